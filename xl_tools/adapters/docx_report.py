"""Writes a ``narrative.Report`` to Word (.docx) with python-docx; the only module that imports it.

Chinese text needs its font named on ``w:eastAsia``: python-docx's ``font.name``
sets only the Latin slots, and the default template's theme fonts
(``w:eastAsiaTheme``) would win over any name, so Word and LibreOffice would set
the report in a Latin font's CJK fallback.  Fonts are set on the styles (宋体
body, 黑体 headings), so a user who edits the report keeps them.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle

from ..core.safe_text import visible
from ..narrative import Heading, Paragraph, Report, Table
from ..workbook.atomic import replace_atomically

LATIN = "Times New Roman"
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
TITLE_STYLE = "报告标题"
BODY_STYLE = "报告正文"
CAPTION_STYLE = "表格标题"
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2"}
# 序号, 项目名称, 预算数, 执行数, 执行率, 自评得分, 评价等级: 156 mm, the text width between the margins
COLUMN_WIDTHS_MM = (13, 40, 22, 22, 22, 18, 19)
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def write_docx(report: Report, target: str | Path) -> Path:
    """Write the report to ``target`` whole (a partial file is never left under the final name).  Every text
    goes through ``core.safe_text.visible``: a name from a workbook may hold a character XML cannot carry,
    which python-docx refuses."""
    target = Path(target)
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    doc.add_paragraph(visible(report.title), style=TITLE_STYLE)
    for block in report.blocks:
        if isinstance(block, Heading):
            doc.add_paragraph(visible(block.text), style=HEADING_STYLES.get(block.level, HEADING_STYLES[2]))
        elif isinstance(block, Paragraph):
            doc.add_paragraph(visible(block.text), style=BODY_STYLE)
        elif isinstance(block, Table):
            _table(doc, block)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = visible(report.title), "xl_tools", "xl_tools"
    props.comments = "由 xl-tools report 根据绩效自评表生成"
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(target, doc.save)  # the toolkit's one way to write a file: whole, names within the limit
    return target


# ------------------------------------------------------------------ page and styles


def _page_setup(doc: DocumentObject) -> None:
    """A4 portrait with the margins of official documents (GB/T 9704), page number at the foot."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    _page_field(footer)
    footer.add_run(" —")


def _page_field(paragraph) -> None:
    """The PAGE field, written as Word writes it (begin, instruction, separate, shown value, end)."""
    def fld_char(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    for part in (fld_char("begin"), instr, fld_char("separate")):
        paragraph.add_run()._r.append(part)
    paragraph.add_run("1")
    paragraph.add_run()._r.append(fld_char("end"))


def set_fonts(style: BaseStyle, east_asia: str, latin: str = LATIN) -> None:
    """Name the font for every script on a style, dropping the template's theme fonts that would win."""
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:hint"), "eastAsia")  # “” and ……: Chinese glyphs, not the Latin font's


def _styles(doc: DocumentObject) -> None:
    styles = doc.styles
    _doc_defaults(doc)
    normal = styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.5

    body = styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = normal
    body.quick_style = True
    body.paragraph_format.first_line_indent = Pt(24)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    ind = body.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")  # two characters, whatever the size

    title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    title.quick_style = True
    _heading_look(title, Pt(16), before=Pt(0), after=Pt(18))  # 16 pt: a unit's long name still fits a line
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for level, size in ((1, Pt(14)), (2, Pt(12))):
        _heading_look(styles[HEADING_STYLES[level]], size, before=Pt(12 if level == 1 else 6), after=Pt(6))

    caption = styles.add_style(CAPTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    caption.base_style = normal
    _heading_look(caption, Pt(12), before=Pt(12), after=Pt(0))
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _doc_defaults(doc: DocumentObject) -> None:
    """The template's document defaults name theme fonts too (they reach tables and footers)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    for rfonts in defaults.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
        rfonts.set(qn("w:ascii"), LATIN)
        rfonts.set(qn("w:hAnsi"), LATIN)
        rfonts.set(qn("w:eastAsia"), BODY_FONT)


def _heading_look(style: BaseStyle, size: Pt, *, before: Pt, after: Pt) -> None:
    set_fonts(style, HEADING_FONT)
    style.font.size = size
    style.font.bold = False  # 黑体 is heavy already; a synthetic bold smears it
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = before, after
    fmt.first_line_indent = Pt(0)
    fmt.keep_with_next = True
    fmt.line_spacing = 1.5


# ------------------------------------------------------------------ the table


def _table(doc: DocumentObject, block: Table) -> None:
    doc.add_paragraph(visible(block.caption), style=CAPTION_STYLE)
    note = doc.add_paragraph(visible(block.note))
    note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note.paragraph_format.keep_with_next = True  # caption, unit and table move to a new page together
    for run in note.runs:
        run.font.size = TABLE_SIZE
    rows = [list(block.header), *block.rows] + ([block.total] if block.total else [])
    table = doc.add_table(rows=len(rows), cols=len(block.header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in COLUMN_WIDTHS_MM] if len(block.header) == len(COLUMN_WIDTHS_MM) else None
    for r, values in enumerate(rows):
        bold = r == 0 or (block.total is not None and r == len(rows) - 1)
        _cant_split(table.rows[r])
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            if widths:
                cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (WD_ALIGN_PARAGRAPH.LEFT if c == 1 and 0 < r < len(rows) - (block.total is not None)
                                   else WD_ALIGN_PARAGRAPH.CENTER)
            paragraph.paragraph_format.line_spacing = 1.15
            paragraph.paragraph_format.keep_with_next = r < len(rows) - 1
            run = paragraph.add_run(visible(value))
            run.font.size = TABLE_SIZE
            run.font.bold = bold
    if widths:
        for column, width in zip(table.columns, widths):
            column.width = width
    _repeat_header(table.rows[0])
    if block.total is not None and block.total_span > 1:
        last = len(rows) - 1
        merged = table.cell(last, 0).merge(table.cell(last, block.total_span - 1))
        for extra in merged.paragraphs[1:]:  # merge() keeps each cell's paragraph; the label needs one
            extra._element.getparent().remove(extra._element)


def _cant_split(row) -> None:
    """A row is never split across pages (its paragraphs are kept with the next row's too, so a short
    table stays whole rather than leaving its 合计 row alone on a page; a long one still breaks)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    """The header row repeats at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
