"""Cutting text into search chunks: at headings first, then between paragraphs, a few hundred words
each, and each chunk starts with the last sentence or so of the one before (a little overlap), so a
fact that straddles a cut is still found whole in one of them."""

import re
from dataclasses import dataclass

TARGET_WORDS = 250
MAX_WORDS = 350
OVERLAP_WORDS = 30
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Piece:
    heading: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) in order; text before the first heading has an empty heading."""
    result: list[tuple[str, list[str]]] = [("", [])]
    paragraph: list[str] = []

    def close_paragraph():
        if paragraph:
            result[-1][1].append("\n".join(paragraph).strip())
            paragraph.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            close_paragraph()
            result.append((heading.group(2).strip(), []))
        elif line.strip():
            paragraph.append(line.rstrip())
        else:
            close_paragraph()
    close_paragraph()
    return [(heading, paragraphs) for heading, paragraphs in result if paragraphs or heading]


def _split_long(paragraph: str) -> list[str]:
    """A paragraph longer than a chunk: cut between sentences, or between words if it has none."""
    if len(paragraph.split()) <= MAX_WORDS:
        return [paragraph]
    parts, current = [], []
    for sentence in _SENTENCE_END.split(paragraph):
        words = sentence.split()
        while len(words) > MAX_WORDS:  # a "sentence" that never ends (a table, a list flattened by a PDF)
            if current:
                parts.append(" ".join(current))
                current = []
            parts.append(" ".join(words[:TARGET_WORDS]))
            words = words[TARGET_WORDS:]
        if current and len(current) + len(words) > TARGET_WORDS:
            parts.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        parts.append(" ".join(current))
    return parts


def _tail(text: str) -> str:
    words = text.split()
    return " ".join(words[-OVERLAP_WORDS:]) if len(words) > OVERLAP_WORDS else text


def chunk(text: str) -> list[Piece]:
    """The chunks of a Markdown or plain text, in order."""
    pieces: list[Piece] = []
    for heading, paragraphs in sections(text):
        current: list[str] = []
        size = 0
        for paragraph in (part for p in paragraphs for part in _split_long(p)):
            words = len(paragraph.split())
            if current and size + words > TARGET_WORDS:
                pieces.append(Piece(heading, "\n\n".join(current)))
                current, size = [_tail(current[-1])], len(_tail(current[-1]).split())
            current.append(paragraph)
            size += words
        if current:
            pieces.append(Piece(heading, "\n\n".join(current)))
    return [piece for piece in pieces if piece.text.strip()]
