"""Sub-commands of the `parebrick` command line, one module each."""
