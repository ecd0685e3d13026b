"""``python -m bot``: the same command line as run_bot.py."""

import sys

from .cli import main

sys.exit(main())
