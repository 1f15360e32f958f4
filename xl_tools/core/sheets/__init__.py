"""The sheets the toolkit writes (表11, 表10, 校验结果, 变更记录, 参数, 采集表), each described once as data.

A description says what every cell holds (a value, or a formula with its cached value), its named style and
number format, links, merges, widths and print setup; ``workbook.sheet_writer`` writes it into a file and
``adapters.excel_live`` into the workbook open in Excel, so both give the same sheet.
"""
