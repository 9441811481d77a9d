"""Documents that leave the office, made in memory. A letter: an editable Word document
(python-docx) and a tagged PDF (WeasyPrint, PDF/UA-1), from the same parts, in standard or
large print. The quarterly report and subject access responses: tagged PDFs from HTML. Meeting
packs: PDFs from fpdf2. Every PDF embeds the DejaVu Sans font
shipped here (its licence beside it), so any name prints as typed, accents and all, on an
office with no internet."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import dateformat, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF
from weasyprint import HTML

from opcc_calls.text import without_control_characters


def reader_lang() -> str:
    """The language tag of a document made for whoever asked for it: theirs."""
    return "cy" if translation.get_language() == "cy" else "en-GB"


FONTS = Path(__file__).resolve().parent / "fonts"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass(frozen=True)
class LetterParts:
    letterhead: str  # the office's name, address and how to get in touch, one line each
    recipient: list[str]  # the name, then the address lines
    dated: date
    subject: str
    paragraphs: list[str]  # a line break inside one is kept
    office: str  # who the document is from, in its metadata
    reference: str = ""  # the caller's, to quote
    large: bool = False  # large print: 16 point and up
    language: str = "en"  # "en", "cy", or "cy-en": the Welsh (subject, paragraphs), then...
    english: tuple[str, list[str]] | None = None  # ...the English (subject, paragraphs)

    @property
    def versions(self) -> list[tuple[str, str, list[str]]]:
        """(language tag, subject, paragraphs) in the order printed."""
        first = "cy" if self.language in ("cy", "cy-en") else "en-GB"
        versions = [(first, self.subject, self.paragraphs)]
        if self.english is not None:
            versions.append(("en-GB", *self.english))
        return versions

    @property
    def lang(self) -> str:
        """The document's language tag: a bilingual letter's first language is Welsh."""
        return "cy" if self.language in ("cy", "cy-en") else "en-GB"

    @property
    def dated_text(self) -> str:
        return " / ".join(_dated(self.dated, code) for code in _codes(self.language))

    @property
    def reference_text(self) -> str:
        said = {
            "en": f"Your reference: {self.reference} (please quote it)",
            "cy": f"Eich cyfeirnod: {self.reference} (dyfynnwch ef, os gwelwch yn dda)",
            "cy-en": f"Eich cyfeirnod / Your reference: {self.reference} "
            "(dyfynnwch ef / please quote it)",
        }
        return said.get(self.language, said["en"])

    @property
    def sizes(self) -> dict[str, float]:
        """Point sizes: standard, or large print (16 point and up, for a reader's eyesight)."""
        if self.large:
            return {"body": 16, "small": 16, "heading": 20}
        return {"body": 11, "small": 10, "heading": 13}


def _clean(text: str) -> str:
    return without_control_characters(text).replace("\r\n", "\n").strip()


def _codes(language: str) -> list[str]:
    return {"cy": ["cy"], "cy-en": ["cy", "en"]}.get(language, ["en"])


def _dated(day: date, language: str = "en") -> str:
    """4 December 2026; in Welsh, 4 Rhagfyr 2026."""
    with translation.override("cy" if language == "cy" else "en-gb"):
        return dateformat.format(day, "j F Y")


def docx_bytes(letter: LetterParts) -> bytes:
    """The letter as a Word document the office can still edit; its properties name the
    office (not the library) as author, and the letter as title and subject."""
    document = Document()
    properties = document.core_properties
    properties.title = properties.subject = _clean(letter.subject)
    properties.author = properties.last_modified_by = _clean(letter.office)
    properties.comments = properties.keywords = properties.category = ""
    properties.language = letter.lang
    properties.created = properties.modified = datetime.combine(letter.dated, time(), tzinfo=UTC)
    properties.revision = 1
    sizes = letter.sizes
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(sizes["body"])
    heading = document.styles["Heading 1"]
    heading.font.size = Pt(sizes["heading"])
    heading.font.name = "Arial"
    heading.font.color.rgb = None
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _lines(head, _clean(letter.letterhead))
    _lines(document.add_paragraph(), "\n".join(_clean(line) for line in letter.recipient))
    document.add_paragraph(letter.dated_text)
    if letter.reference:
        document.add_paragraph(letter.reference_text)
    for number, (_language, subject, paragraphs) in enumerate(letter.versions):
        if number:  # a bilingual letter's English starts a page of its own
            document.add_page_break()
        document.add_heading(_clean(subject), level=1)
        for paragraph in paragraphs:
            _lines(document.add_paragraph(), _clean(paragraph))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _lines(paragraph, text: str) -> None:
    """The text into one paragraph, each line after a line break (not a new paragraph)."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        if number < len(lines) - 1:
            run.add_break()


def pdf_bytes(letter: LetterParts) -> bytes:
    """The letter as a tagged PDF (PDF/UA-1: title shown, language, a heading, paragraphs in
    reading order) from HTML through WeasyPrint, with the DejaVu fonts shipped here."""
    html = render_to_string(
        "documents/letter.html",
        {
            "letter": {
                "letterhead": _clean(letter.letterhead).split("\n"),
                "recipient": [_clean(line) for line in letter.recipient if _clean(line)],
                "dated_text": letter.dated_text,
                "reference": letter.reference,
                "reference_text": letter.reference_text,
                "subject": _clean(letter.subject),
                "versions": [
                    {
                        "lang": code,
                        "subject": _clean(subject),
                        "paragraphs": [_clean(p).split("\n") for p in paragraphs],
                    }
                    for code, subject, paragraphs in letter.versions
                ],
                "lang": letter.lang,
                "office": _clean(letter.office),
            },
            "size": letter.sizes,
            "fonts": FONTS.as_uri(),
        },
    )
    return HTML(string=html, base_url=FONTS.as_uri()).write_pdf(pdf_variant="pdf/ua-1")


def document_pdf(template: str, context: dict) -> bytes:
    """A longer document (the quarterly report, a subject access response) as a tagged PDF
    from an HTML template: its headings become the PDF's bookmarks; the fonts shipped here
    are at `fonts`."""
    html = render_to_string(template, {**context, "fonts": FONTS.as_uri()})
    return HTML(string=html, base_url=FONTS.as_uri()).write_pdf(pdf_variant="pdf/ua-1")


@dataclass(frozen=True)
class PackParts:
    title: str
    notes: list[str]  # lines under the title (a legend, who was present)
    columns: list[str]
    widths: list[int]  # millimetres, summing to the page's width inside its margins (257)
    rows: list[list[str]]
    sections: list[tuple[str, list[str]]]  # a heading and its lines


def pack_pdf(pack: PackParts) -> bytes:
    """A meeting pack as a PDF: the summary table first, then a short section for each row."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_lang(reader_lang())
    pdf.set_title(_clean(pack.title))
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, _clean(pack.title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    for line in pack.notes:
        pdf.multi_cell(0, 4, _clean(line), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", size=8)
    with pdf.table(col_widths=tuple(pack.widths), text_align="LEFT") as table:
        heading = table.row()
        for column in pack.columns:
            heading.cell(_clean(column))
        for values in pack.rows:
            row = table.row()
            for value in values:
                row.cell(_clean(str(value)))
    for title, lines in pack.sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5, _clean(title), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        for line in lines:
            pdf.multi_cell(0, 4.5, _clean(line), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
