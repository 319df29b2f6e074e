"""The project's exception types.

Every check at a boundary of ``course_utils`` raises one of these, with a
message that names the parameter or path, the value received and what was
expected.
"""

__all__ = ["CourseUtilsError", "DatasetError", "ParameterError"]


class CourseUtilsError(Exception):
    """Base class of every error raised on purpose by ``course_utils``."""


class DatasetError(CourseUtilsError, ValueError):
    """A dataset name, folder, file or label that cannot be used as given.

    Raised for an unknown dataset, a missing folder, an empty class folder, an
    unreadable image, a malformed UTKFace file name, a CSV without a needed
    column, or a split-file entry with no image.
    """


class ParameterError(CourseUtilsError, ValueError):
    """A notebook, preset or runner parameter that is not known or not valid."""
