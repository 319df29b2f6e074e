"""``python -m course_utils`` is ``course-book``."""

import sys

from .cli import main

sys.exit(main())
