"""One module per command: what the command line, the ribbon and the Python API call."""
