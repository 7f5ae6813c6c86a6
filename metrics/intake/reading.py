"""Read a document (.txt, .md, .docx, .pdf with a text layer, .html) into plain lines of text.

Each format uses a well-kept library: python-docx for .docx, pdfplumber for PDF, trafilatura for the main
text of a saved web page. Anything we cannot read faithfully is refused with a message in both languages,
and nothing is written.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import PurePath

from metrics.i18n import text

SIZE_LIMIT = 20 * 1024 * 1024  # 20 MB: a long report with pictures; far more is not a report
FORMATS = ("txt", "md", "docx", "pdf", "html", "htm")


class IntakeError(ValueError):
    """A document we refuse to read; carries a translation key and its fields."""

    def __init__(self, key: str, **fields: object):
        self.key = key
        self.fields = fields
        super().__init__(self.bilingual())

    def message(self, lang: str = "zh") -> str:
        """The refusal in one language."""
        return text(f"intake.error.{self.key}", lang, **self.fields)

    def bilingual(self) -> str:
        """Chinese | English, for the command line."""
        return f"{self.message('zh')} | {self.message('en')}"


@dataclass(frozen=True)
class Document:
    """A document's text as lines (the numbering the proposals and the highlighted view share)."""

    lines: list[str]
    format: str
    table_lines: frozenset[int] = frozenset()  # 0-based lines that came from a table row

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read_document(data: bytes, name: str) -> Document:
    """Lines of text from a document's bytes; raises IntakeError for what we cannot or should not read."""
    if len(data) > SIZE_LIMIT:
        raise IntakeError("too_large", size=len(data) // (1024 * 1024), limit=SIZE_LIMIT // (1024 * 1024))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise IntakeError("empty")
    kind = PurePath(name).suffix.lower().lstrip(".")
    if data[:4] == b"\xd0\xcf\x11\xe0" or kind in ("doc", "wps"):
        raise IntakeError("old_doc")
    if kind not in FORMATS:
        raise IntakeError("unsupported", ext=kind or "?", formats=", ".join(f".{f}" for f in FORMATS))
    if kind == "docx":
        document = _read_docx(data)
    elif kind == "pdf":
        document = _read_pdf(data)
    elif kind in ("html", "htm"):
        document = Document(_clean_lines(_read_html(data)), "html")
    else:
        document = Document(_clean_lines(decode_text(data)), kind)
    if not any(line.strip() for line in document.lines):
        raise IntakeError("no_text")
    return document


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); refuses binary junk."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            decoded = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise IntakeError("binary") from error
    else:
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                decoded = data.decode("gb18030")
            except UnicodeDecodeError as error:
                raise IntakeError("binary") from error
    if _looks_binary(decoded):
        raise IntakeError("binary")
    return decoded


def _looks_binary(decoded: str) -> bool:
    """Control characters or unassigned code points in more than 1% of the text: not a text file."""
    sample = decoded[:20000]
    if "\x00" in sample:
        return True
    odd = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return odd > max(2, len(sample) // 100)


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def _clean_lines(raw: str) -> list[str]:
    """Lines without trailing blanks; runs of spaces kept as one (PDF and HTML spread text out)."""
    return [_SPACES.sub(" ", line).strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _read_docx(data: bytes) -> Document:
    """Paragraphs and table rows in the order they stand in the document."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        parsed = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises zipfile, KeyError, lxml errors... for broken files
        raise IntakeError("broken", format="Word (.docx)") from error
    lines: list[str] = []
    table_lines: set[int] = set()
    body = parsed.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(_clean_lines(Paragraph(child, parsed).text))
        elif tag == "tbl":
            for row in table_rows(Table(child, parsed)):
                table_lines.add(len(lines))
                lines.append(row)
    return Document(lines, "docx", frozenset(table_lines))


_UNIT_IN_HEADER = re.compile(r"[（(]\s*([^）)]{1,4})\s*[）)]")
_BARE_NUMBER = re.compile(r"^[\d,，.．]+$")


def table_rows(table) -> list[str]:
    """Each row as '项目：值（表头）' text; a bare number takes the unit its column header states, e.g. （家）."""
    rows = [[_SPACES.sub(" ", cell.text).strip() for cell in row.cells] for row in table.rows]
    if not rows:
        return []
    header = rows[0]
    units = []
    for cell in header:
        found = _UNIT_IN_HEADER.search(cell)
        units.append(found.group(1) if found else "")
    lines = ["｜".join(header)]
    for row in rows[1:]:
        cells = []
        row_unit = _UNIT_IN_HEADER.search(row[0]) if row else None  # 在建项目（个）｜156
        for index, cell in enumerate(row):
            unit = row_unit.group(1) if row_unit else (units[index] if index < len(units) else "")
            if unit and _BARE_NUMBER.match(cell):
                cell = cell + unit
            cells.append(cell)
        lines.append("｜".join(cells))
    return lines


def _read_pdf(data: bytes) -> Document:
    """The text layer of every page; a scanned PDF (pictures only) is refused."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if not data.startswith(b"%PDF"):
        raise IntakeError("broken", format="PDF")
    lines: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            for page in pdf.pages:
                lines.extend(_clean_lines(page.extract_text() or ""))
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise IntakeError("encrypted") from error
    except Exception as error:  # pdfminer's many parse errors; pdfplumber wraps them in PdfminerException
        inner = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError) or "password" in repr(inner).lower():
            raise IntakeError("encrypted") from error
        raise IntakeError("broken", format="PDF") from error
    if not any(line.strip() for line in lines):
        raise IntakeError("scanned", pages=pages)
    return Document(join_wrapped(lines), "pdf")


_SENTENCE_END = tuple("。！？；：”」）)!?;:")


def join_wrapped(lines: list[str]) -> list[str]:
    """A PDF breaks sentences where its lines end; join a full line to the next one unless it ends a sentence."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if previous and line and len(previous) >= 20 and not previous.endswith(_SENTENCE_END):
            joined[-1] = previous + line
        else:
            joined.append(line)
    return joined


def _read_html(data: bytes) -> str:
    """The main text of a saved web page: menus, footers and scripts left out."""
    import trafilatura

    page = decode_text(data)
    extracted = trafilatura.extract(page, include_tables=True, include_comments=False, favor_precision=True)
    if not extracted:
        raise IntakeError("no_text")
    return extracted
