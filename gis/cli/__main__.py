"""``python -m gis.cli``: the same as ``riverchief``."""

import sys

from gis.cli import main

sys.exit(main())
