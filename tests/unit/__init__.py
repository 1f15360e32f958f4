"""Pure and fast: no workbook file, no other program, no server; the whole folder in seconds."""
