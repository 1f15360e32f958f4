"""The ``xl-tools`` command as a user runs it: exit codes, messages, the files it writes."""
