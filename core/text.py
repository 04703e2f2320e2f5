"""Which encoding a file people uploaded is written in (lead CSVs, knowledge documents), and its text.

One policy for every upload, the stricter of the two the importers had before:

1. a byte-order mark decides: UTF-8 (``utf-8-sig``) or UTF-16 (``utf-16``, either byte order);
2. a NUL byte anywhere else means binary data, refused (a text field cannot hold it, and UTF-16
   without a mark is not guessed: spreadsheets write the mark, and a guess accepts binary files);
3. valid UTF-8 is UTF-8;
4. else Windows-1252 (``cp1252``, what old Excel and Word exports use), unless the bytes hold one of
   the five values it leaves undefined, which no Windows-1252 text contains: refused.

The CSV importer used to read such bytes as Latin-1 and to guess UTF-16 without a mark, and
knowledge extraction accepted valid UTF-8 holding NUL bytes (which PostgreSQL text cannot store);
all three let binary files through as garbage text, so all are refused now with ``NotText`` and a
message that says which byte and what to do.
"""

import codecs

# Bytes that Windows-1252 leaves undefined: a file holding them is not text in that encoding either.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


class NotText(ValueError):
    """The bytes are not text in an encoding we accept; the message is for the person who uploaded them."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def detect_encoding(data: bytes, *, complete: bool = True) -> str:
    """The codec name for ``data``: ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``cp1252`` (see the module).

    With ``complete=False`` the bytes are the head of a longer file: a character cut at the end does not
    make it invalid UTF-8. Only these bytes are checked; a reader of the rest meets bad bytes later as a
    ``UnicodeDecodeError`` from the codec chosen here.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        utf8_error = None
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    nul = data.find(b"\x00")
    if nul >= 0 or (utf8_error is not None and any(byte in CP1252_UNDEFINED for byte in data)):
        position = utf8_error if utf8_error is not None else nul
        raise NotText(
            f"This is not a text file (byte {position} is not UTF-8 and it is not Windows-1252 text either).",
            position,
        )
    return "utf-8" if utf8_error is None else "cp1252"


def decode(data: bytes) -> str:
    """The text of a whole file, by the policy above; ``NotText`` if it is none of those encodings."""
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:  # after a byte-order mark: the rest was not checked
        name = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise NotText(f"The file says it is {name} but is not valid {name}.", exc.start) from None
