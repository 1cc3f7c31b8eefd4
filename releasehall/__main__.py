"""`python -m releasehall` runs the command line."""

from releasehall.commands.cli import entry

entry()
