"""``xl-tools email``: completed workbooks (and their PDF and report) to the finance bureau by SMTP.

Pure parts: ``settings`` (layered settings), ``text`` (subject and body), ``message``
(MIME building, size check); ``preview`` (what ``--dry-run`` prints).  I/O: ``config``
(the settings file and the environment), ``credentials`` (password), ``sentlog``, and
``adapters/smtp.py``; ``service`` glues them.
"""
