"""Real files and real programs: workbooks, LibreOffice, an SMTP server, xlwings' remote interpreter,
batch workers, hostile files, the corpus of real forms."""
