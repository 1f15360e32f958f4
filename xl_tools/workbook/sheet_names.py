"""Names and headers of the sheets the toolkit writes, apart from the openpyxl code that styles them
(the ribbon writes the same sheets through xlwings and must stay cheap to import)."""

from __future__ import annotations

SUMMARY_HEADERS = ["序号", "项目名称", "项目编码", "预算数(万元)", "执行数(万元)", "执行率", "自评得分", "评价等级", "来源工作表"]
SUMMARY_SHEET = "表11"
SUMMARY_SHEET_BESIDE = "表11（计算）"
"""Where the toolkit's 表11 goes when the workbook has a 表11 of its own."""
SUMMARY_FIRST_ROW = 4
SUMMARY_SOURCE_COLUMN = "I"
FINDINGS_SHEET = "校验结果"
FINDINGS_HEADERS = ["级别", "代码", "工作表", "单元格", "项目", "说明"]
