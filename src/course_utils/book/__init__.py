"""The lab book itself: records, glue and verdict words, and the machinery that runs
and publishes the notebooks.

This package's top level holds only what notebooks use, and importing it stays
light (no papermill, TensorFlow or jupyter-book):

- :class:`Record`, :func:`load_record`, :func:`library_versions`,
  :func:`device_name` (:mod:`.records`, :mod:`.environment`): what a notebook
  measured, saved for other tools;
- :func:`glue`, :func:`glue_all`, :func:`verdict` (:mod:`.narrative`): computed
  values and the words for them in the prose;
- :func:`load_originals` (:mod:`.results_page`): the original courses' figures.

The rest lives in submodules, imported where used: :mod:`.layout`,
:mod:`.notebooks` (discovery, presets, parameters), :mod:`.cache`,
:mod:`.staging`, :mod:`.executed`, :mod:`.runner`, :mod:`.publishing`,
:mod:`.build`, :mod:`.results_page` and :mod:`.cli` (``course-book``).

Example
-------
>>> from course_utils.book import verdict
>>> verdict(0.0)
'made no difference'
"""

from .environment import device_name, library_versions
from .narrative import glue, glue_all, verdict
from .records import Record, load_record
from .results_page import load_originals

__all__ = ["Record", "load_record", "library_versions", "device_name", "glue", "glue_all",
           "verdict", "load_originals"]
