"""``python -m course_utils`` is ``course-book``."""

import sys

from .book.cli import main

sys.exit(main())
