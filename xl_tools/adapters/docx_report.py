"""Writes a ``narrative.Report`` to Word (.docx) with python-docx; the only module that imports it.

Chinese text needs its font named on ``w:eastAsia``: python-docx's ``font.name``
sets only the Latin slots, and the default template's theme fonts
(``w:eastAsiaTheme``) would win over any name, so Word and LibreOffice would set
the report in a Latin font's CJK fallback.  Fonts are set on the styles (宋体
body, 黑体 headings), so a user who edits the report keeps them.

python-docx starts from its own template, whose properties say the file was
made in 2013 by "Microsoft Macintosh Word" and whose thumbnail is an empty
page: a finance bureau opening the report's properties would see them.  They
are replaced by the unit, the title and the time of writing.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle

from ..core.safe_text import visible
from ..narrative import Heading, Paragraph, Placeholder, Report, Table
from ..workbook.atomic import replace_atomically

LATIN = "Times New Roman"
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(10.5)  # 五号
TITLE_STYLE = "报告标题"
BODY_STYLE = "报告正文"
CAPTION_STYLE = "表格标题"
PLACEHOLDER_STYLE = "待填写"
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
TEXT_WIDTH_MM = 156  # A4 less the margins of _page_setup
CELL_PADDING_MM = 4.5  # Word's default cell margins (1.9 mm each side) and a little air
_PT_TO_MM = 25.4 / 72
_EM = {**dict.fromkeys("0123456789", 0.7), ",": 0.38, ".": 0.38, "%": 1.0, "-": 0.42, " ": 0.33}
"""Widths of characters in em, generous: Times New Roman's digits are 0.5 em, but where it is missing (Linux,
LibreOffice) DejaVu Serif Bold's are 0.7 em; anything else (CJK) is taken as a full em."""
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>xl-tools</Application><Company>{company}</Company></Properties>')


def write_docx(report: Report, target: str | Path, *, now: datetime.datetime | None = None) -> Path:
    """Write the report to ``target`` whole (a partial file is never left under the final name).  Every text
    goes through ``core.safe_text.visible``: a name from a workbook may hold a character XML cannot carry,
    which python-docx refuses.  ``now`` (the time of writing by default) is the document's created and
    modified time: a test passes a fixed one to get the same file twice."""
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
        elif isinstance(block, Placeholder):
            _placeholder(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
    _properties(doc, report, now or datetime.datetime.now(datetime.timezone.utc))
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(target, doc.save)  # the toolkit's one way to write a file: whole, names within the limit
    return target


# ------------------------------------------------------------------ document properties


def _properties(doc: DocumentObject, report: Report, now: datetime.datetime) -> None:
    """Title, the unit as author, the time of writing; none of the template's leftovers (its 2013 dates, its
    revision, keywords and comments, Mac Word in app.xml, its thumbnail of an empty page, its Japanese theme
    language)."""
    props = doc.core_properties
    unit = visible(report.author or "")
    props.title, props.author, props.last_modified_by = visible(report.title), unit, unit
    for name in ("subject", "keywords", "comments", "category", "content_status", "identifier", "version"):
        if getattr(props, name):  # the template's own words; an absent one is not added empty
            setattr(props, name, "")
    props.language = "zh-CN"
    props.revision = 1
    utc = (now if now.tzinfo else now.astimezone()).astimezone(datetime.timezone.utc).replace(tzinfo=None)
    props.created = props.modified = utc  # python-docx writes the time as given, with a Z: it must be UTC
    package = doc.part.package
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML.format(company=escape(unit)).encode("utf-8")  # a plain Part: its bytes are all
    for r_id in [r.rId for r in package.rels.values() if r.reltype == _THUMBNAIL]:
        package.rels.pop(r_id)  # the part goes with its only relationship
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


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

    for level, size in ((1, Pt(14)), (2, Pt(12)), (3, Pt(12))):
        _heading_look(styles[HEADING_STYLES[level]], size, before=Pt(12 if level == 1 else 6), after=Pt(6))
    level3 = styles[HEADING_STYLES[3]]
    set_fonts(level3, BODY_FONT)  # 1. … under （一）: body font, bold, indented like the text
    level3.font.bold = True
    level3.font.italic = False
    level3.paragraph_format.first_line_indent = Pt(24)

    placeholder = styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    placeholder.base_style = body
    placeholder.quick_style = True
    placeholder.font.color.rgb = RGBColor(0xC0, 0, 0)

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


def _placeholder(doc: DocumentObject, block: Placeholder) -> None:
    """A paragraph people must write: red on yellow, in its own style, so it is seen and can be searched for."""
    run = doc.add_paragraph(style=PLACEHOLDER_STYLE).add_run(visible(block.text))
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


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
    table.autofit = False  # w:tblLayout fixed: Word and LibreOffice keep the widths given
    widths = [Mm(w) for w in column_widths(block)]
    for r, values in enumerate(rows):
        bold = r == 0 or (block.total is not None and r == len(rows) - 1)
        _cant_split(table.rows[r])
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = widths[c]
            if r and c in block.numeric:
                _no_wrap(cell)  # before vAlign: the schema's order
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (WD_ALIGN_PARAGRAPH.LEFT if c == 1 and 0 < r < len(rows) - (block.total is not None)
                                   else WD_ALIGN_PARAGRAPH.CENTER)
            paragraph.paragraph_format.line_spacing = 1.15
            paragraph.paragraph_format.keep_with_next = r < len(rows) - 1
            run = paragraph.add_run(visible(value))
            run.font.size = TABLE_SIZE
            run.font.bold = bold
    for column, width in zip(table.columns, widths):
        column.width = width
    _repeat_header(table.rows[0])
    if block.total is not None and block.total_span > 1:
        last = len(rows) - 1
        merged = table.cell(last, 0).merge(table.cell(last, block.total_span - 1))
        for extra in merged.paragraphs[1:]:  # merge() keeps each cell's paragraph; the label needs one
            extra._element.getparent().remove(extra._element)


def column_widths(block: Table) -> list[float]:
    """Millimetres per column: a number column as wide as its widest number (so 10,901.25 never breaks), a
    text header may take two lines; the widest text column (项目名称) gets the rest of the text width."""
    size_mm = TABLE_SIZE.pt * _PT_TO_MM
    rows = [*block.rows] + ([block.total] if block.total else [])
    header_mm = [_text_mm(h, size_mm) / 2 for h in block.header]  # a header wraps onto two lines at most
    needed = [max([header_mm[c], 2 * size_mm] + [_text_mm(row[c], size_mm) for row in rows if c in block.numeric])
              + CELL_PADDING_MM for c in range(len(block.header))]
    text_columns = [c for c in range(len(block.header)) if c not in block.numeric]
    if not text_columns:
        return needed
    widest = max(text_columns, key=lambda c: max((_text_mm(row[c], size_mm) for row in rows), default=0))
    fixed = [c for c in text_columns if c != widest]
    for c in fixed:  # a short text column (评价等级) as wide as its longest entry
        needed[c] = max(needed[c], max((_text_mm(row[c], size_mm) for row in rows), default=0) + CELL_PADDING_MM)
    needed[widest] = max(TEXT_WIDTH_MM - sum(w for c, w in enumerate(needed) if c != widest), 4 * size_mm)
    return needed


def _text_mm(text: str, size_mm: float) -> float:
    """The printed width of ``text`` in one line (bold included: Times New Roman's bold digits are as wide)."""
    return sum(_EM.get(ch, 1.0) for ch in text) * size_mm


def _no_wrap(cell) -> None:
    """A number stays on one line (w:noWrap), even if the cell were made narrower by hand."""
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


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
