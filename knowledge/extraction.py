"""Text out of uploaded files: plain text and Markdown (UTF-8, or Windows-1252 when it is clearly
that), HTML (headings kept as Markdown headings, scripts and styles dropped) and PDF (pypdf).
Anything that cannot be read raises ``Unreadable`` with a reason staff can act on."""

import io
import re
from html.parser import HTMLParser

from core.text import NotText
from core.text import decode as decode_text


class Unreadable(Exception):
    pass


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with a mark, else Windows-1252 (old Word and
    Excel exports) when the bytes allow it; binary files are refused (``core.text``, shared with the
    lead importer)."""
    try:
        return decode_text(data)
    except NotText as exc:
        raise Unreadable(f"{exc} Save it as UTF-8 text and upload it again.") from None


class _HtmlText(HTMLParser):
    BLOCKS = {"p", "div", "li", "tr", "br", "section", "article", "table", "ul", "ol", "blockquote"}
    SKIP = {"script", "style", "head", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.out.append("\n\n" if tag != "li" else "\n- ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.out.append("\n\n" if tag != "li" else "\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))


def html_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.out)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("The PDF is password-protected; upload a copy without a password.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise Unreadable(f"The PDF could not be read ({type(exc).__name__}: {exc}).") from None
    return "\n\n".join(page.strip() for page in pages if page.strip())


def extract(data: bytes, kind: str) -> str:
    """The text of a file of ``kind`` (``text``, ``markdown``, ``html``, ``pdf``)."""
    if kind == "pdf":
        text = pdf_text(data)
    elif kind == "html":
        text = html_text(decode(data))
    else:
        text = decode(data)
    if not text.strip():
        raise Unreadable(
            "No text found in the file (a scanned PDF holds only pictures of text)."
            if kind == "pdf"
            else "The file is empty."
        )
    return text
