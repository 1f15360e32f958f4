"""The worksheet functions the toolkit's formulas may use: each is in Excel 2007's function reference and in
LibreOffice (the recalculation tests run them there).  CELL("format") answers "P0"/"P2" for a percentage in Excel
(its function reference, English arguments in every language version that stores formulas in a file) and in
LibreOffice (checked by the typed-input tests); WPS 表格 lists the same functions, but no WPS was run here."""

EXCEL_2007_FUNCTIONS = frozenset({"IF", "AND", "OR", "NOT", "MIN", "MAX", "ABS", "ROUND", "SUM", "COUNT", "COUNTIF",
                                  "ISNUMBER", "VALUE", "CELL", "LEFT", "RIGHT"})
TOOLKIT_FUNCTIONS = EXCEL_2007_FUNCTIONS | {"HYPERLINK"}
"""With HYPERLINK, which only the 校验结果 sheet's links use."""
