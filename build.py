"""Thin entry point: `python build.py [COMMAND]` is the same program as `releasehall [COMMAND]`."""

from releasehall.commands.cli import entry

if __name__ == "__main__":
    entry()
