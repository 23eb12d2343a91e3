"""One renderer for every enforcement document: a small HTML layout in, an A4 PDF out.

A document's template (``templates/documents/<kind>.html``) is a Django template
whose output uses only these elements, read in order:

- ``<h1>`` the title; ``<h2>`` a heading within the text;
- ``<p class="number">`` the number line (文号), centred below the title;
- ``<p class="addressee">`` the addressee (主送), flush left;
- ``<p>`` a paragraph with a two-character first-line indent (``class="plain"``: none;
  ``class="note"``: smaller, flush left); ``<br>`` breaks a line;
- ``<ol><li>`` numbered paragraphs (1. 2. 3.);
- ``<table>`` rows of ``<th>``/``<td>`` cells with a grid (leading rows of ``<th>`` only
  are its header, shaded and repeated on each page) (``data-widths="2,3,1"``:
  relative column widths; default equal);
- ``<div class="signature">`` with ``<p>`` lines: the signature and seal block, right-aligned
  (agency, date); ``<img data-sha256="…">`` places a stored signature image there.

Anything else is an error (a template that would print something we never laid
out must fail loudly). Text is escaped by Django and unescaped by the parser, so
a value can never become an element. Chinese is set in reportlab's built-in CID
font STSong-Light (Adobe-GB1; no font file, the text extracts as Unicode). The
output is reproducible: the same layout gives the same bytes (``invariant``).
Margins follow GB/T 9704-2012 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
"""

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

MARGINS = {"topMargin": 37 * mm, "bottomMargin": 35 * mm, "leftMargin": 28 * mm}
RIGHT_MARGIN = 26 * mm
BODY_SIZE = 14  # 四号
TITLE_SIZE = 22  # 二号

_BASE = ParagraphStyle(
    "body",
    fontName=FONT,
    fontSize=BODY_SIZE,
    leading=BODY_SIZE * 1.75,
    wordWrap="CJK",
    alignment=TA_JUSTIFY,
    firstLineIndent=2 * BODY_SIZE,
)
STYLES = {
    "title": ParagraphStyle(
        "title",
        parent=_BASE,
        fontSize=TITLE_SIZE,
        leading=TITLE_SIZE * 1.5,
        alignment=TA_CENTER,
        firstLineIndent=0,
        spaceAfter=4 * mm,
    ),
    "heading": ParagraphStyle(
        "heading", parent=_BASE, firstLineIndent=0, spaceBefore=2 * mm, alignment=TA_LEFT
    ),
    "number": ParagraphStyle(
        "number", parent=_BASE, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=6 * mm
    ),
    "addressee": ParagraphStyle("addressee", parent=_BASE, firstLineIndent=0, alignment=TA_LEFT),
    "paragraph": _BASE,
    "plain": ParagraphStyle("plain", parent=_BASE, firstLineIndent=0, alignment=TA_LEFT),
    "note": ParagraphStyle(
        "note", parent=_BASE, fontSize=11, leading=17, firstLineIndent=0, alignment=TA_LEFT
    ),
    "item": ParagraphStyle("item", parent=_BASE, firstLineIndent=0, leftIndent=0),
    "signature": ParagraphStyle("signature", parent=_BASE, firstLineIndent=0, alignment=TA_RIGHT),
    "cell": ParagraphStyle(
        "cell", parent=_BASE, fontSize=11, leading=15, firstLineIndent=0, alignment=TA_LEFT
    ),
    "footer": ParagraphStyle("footer", parent=_BASE, fontSize=12, alignment=TA_CENTER),
}


class LayoutError(ValueError):
    """A template produced something outside the layout's elements."""


@dataclass
class Block:
    kind: str  # title, heading, number, addressee, paragraph, plain, note, item, signature, ...
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0
    widths: list[float] = field(default_factory=list)
    image_sha256: str = ""


_PARAGRAPH_CLASSES = {
    "": "paragraph",
    "plain": "plain",
    "note": "note",
    "number": "number",
    "addressee": "addressee",
}


class _LayoutParser(HTMLParser):
    """Read the layout elements of a rendered template into blocks."""

    IGNORED = {"html", "body", "section", "article", "div", "tbody", "thead", "span"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] | None = None
        self._kind = ""
        self._in_signature = 0
        self._div_depth = 0
        self._table: Block | None = None
        self._row: list[str] | None = None
        self._row_is_header = False

    # -- text collection
    def _start_text(self, kind: str) -> None:
        if self._text is not None:
            raise LayoutError(f"<{kind}> inside another text element")
        self._text, self._kind = [], kind

    def _end_text(self) -> str:
        text = "".join(self._text or [])
        self._text = None
        lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n\x00")]
        return "\n".join(lines).strip()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "h1":
            self._start_text("title")
        elif tag == "h2":
            self._start_text("heading")
        elif tag == "p":
            if self._in_signature:
                self._start_text("signature")
            else:
                name = classes[0] if classes else ""
                if name not in _PARAGRAPH_CLASSES:
                    raise LayoutError(f'<p class="{name}"> is not a layout element')
                self._start_text(_PARAGRAPH_CLASSES[name])
        elif tag == "li":
            self._start_text("item")
        elif tag == "ol":
            pass
        elif tag == "br":
            if self._text is None:
                raise LayoutError("<br> outside a text element")
            self._text.append("\n\x00")
        elif tag == "table":
            widths = [float(w) for w in (attributes.get("data-widths") or "").split(",") if w]
            self._table = Block("table", widths=widths)
        elif tag == "tr":
            if self._table is None:
                raise LayoutError("<tr> outside a <table>")
            self._row, self._row_is_header = [], True
        elif tag in ("td", "th"):
            if self._row is None:
                raise LayoutError(f"<{tag}> outside a <tr>")
            self._row_is_header = self._row_is_header and tag == "th"
            self._start_text("cell")
        elif tag == "img":
            sha256 = attributes.get("data-sha256") or ""
            if not self._in_signature or not re.fullmatch(r"[0-9a-f]{64}", sha256):
                raise LayoutError("<img data-sha256> belongs in the signature block")
            self.blocks.append(Block("image", image_sha256=sha256))
        elif tag == "div":
            self._div_depth += 1
            if "signature" in classes:
                self._in_signature = self._div_depth
        elif tag not in self.IGNORED:
            raise LayoutError(f"<{tag}> is not a layout element")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "p", "li"):
            if self._text is None:
                return
            kind, text = self._kind, self._end_text()
            if text:
                self.blocks.append(Block(kind, text=text))
        elif tag in ("td", "th"):
            if self._text is not None and self._row is not None:
                self._row.append(self._end_text())
        elif tag == "tr":
            if self._table is not None and self._row is not None:
                # Leading rows of <th> only are the header, repeated on each page.
                header = self._row_is_header and bool(self._row)
                if header and len(self._table.rows) == self._table.header_rows:
                    self._table.header_rows += 1
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "table":
            if self._table is not None and self._table.rows:
                self.blocks.append(self._table)
            self._table = None
        elif tag == "div":
            if self._in_signature == self._div_depth:
                self._in_signature = 0
            self._div_depth -= 1

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        elif data.strip():
            raise LayoutError(f"text outside a layout element: {data.strip()[:40]!r}")


def layout_parse(html: str) -> list[Block]:
    """The blocks of a rendered template, in order (LayoutError for anything else)."""
    parser = _LayoutParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def _markup(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def _table(block: Block, width: float):
    columns = max(len(row) for row in block.rows)
    rows = [row + [""] * (columns - len(row)) for row in block.rows]
    weights = block.widths if len(block.widths) == columns else [1.0] * columns
    total = sum(weights)
    cells = [[Paragraph(_markup(cell), STYLES["cell"]) for cell in row] for row in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if block.header_rows:
        style.append(
            ("BACKGROUND", (0, 0), (-1, block.header_rows - 1), colors.HexColor("#eeeeee"))
        )
    return Table(
        cells,
        colWidths=[width * w / total for w in weights],
        repeatRows=block.header_rows,
        style=TableStyle(style),
    )


def _page_number(canvas, document):
    canvas.saveState()
    canvas.setFont(FONT, 12)
    canvas.drawCentredString(A4[0] / 2, 20 * mm, f"— {document.page} —")
    canvas.restoreState()


def pdf_render(
    blocks: list[Block], *, title: str, author: str = "", subject: str = "", images=None
) -> bytes:
    """Lay ``blocks`` out on A4 pages and return the PDF's bytes.

    ``images`` maps a signature image's SHA-256 to its bytes (for ``<img data-sha256>``).
    """
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        rightMargin=RIGHT_MARGIN,
        title=title,
        author=author,
        subject=subject,
        creator="Casework",
        invariant=1,
        **MARGINS,
    )
    width = A4[0] - MARGINS["leftMargin"] - RIGHT_MARGIN
    story: list = []
    item_number = 0
    previous = ""
    for block in blocks:
        if block.kind != "item":
            item_number = 0
        if block.kind == "table":
            story += [Spacer(1, 2 * mm), _table(block, width), Spacer(1, 3 * mm)]
        elif block.kind == "image":
            data = (images or {}).get(block.image_sha256)
            if data is None:
                raise LayoutError(f"no image {block.image_sha256} was given")
            picture = Image(io.BytesIO(data))
            scale = min(1.0, (45 * mm) / picture.imageWidth, (20 * mm) / picture.imageHeight)
            picture.drawWidth = picture.imageWidth * scale
            picture.drawHeight = picture.imageHeight * scale
            picture.hAlign = "RIGHT"
            story.append(picture)
        elif block.kind == "item":
            item_number += 1
            story.append(Paragraph(f"{item_number}. {_markup(block.text)}", STYLES["item"]))
        else:
            if block.kind == "signature" and previous != "signature":
                story.append(Spacer(1, 10 * mm))
            story.append(Paragraph(_markup(block.text), STYLES[block.kind]))
        previous = block.kind
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
