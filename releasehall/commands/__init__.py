"""The command line and each command that is not the build itself."""
