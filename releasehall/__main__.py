"""`python -m releasehall` runs the command line."""

from releasehall.cli import entry

entry()
