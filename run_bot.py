#!/usr/bin/env python3
"""Entry point: the chat by default; `ask`, `check`, `test` and `eval` sub-commands.

Run `python run_bot.py --help` for the options.
"""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
