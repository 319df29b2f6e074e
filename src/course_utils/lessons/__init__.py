"""Code that serves one notebook only: one module per notebook that needs its own.

Each module's docstring opens with the notebook it serves. Notebooks import
them as ``from course_utils.lessons.<module> import ...``; this package imports
none of them, so that each lesson loads only what it needs.
"""

__all__ = []
