"""Reading a CSV file that people exported from somewhere: encoding, delimiter, rows, streamed.

UTF-8 (with or without BOM), UTF-16 (BOM) and Windows-1252 are recognised
(``core.text.detect_encoding``, the policy every upload shares);
comma, semicolon, tab and pipe are sniffed; quoted fields may hold newlines.
The file is read in chunks: a 50 MB file never sits in memory whole.
"""

import csv
import io
from collections.abc import Iterator

from core.text import NotText, detect_encoding

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
csv.field_size_limit(1024 * 1024)


class CsvFileError(ValueError):
    """The file as a whole cannot be read as CSV; the message is for the person who uploaded it."""


def _detect_encoding(head: bytes) -> str:
    try:
        return detect_encoding(head, complete=len(head) < SAMPLE_BYTES)
    except NotText as exc:
        raise CsvFileError(
            f"This does not look like a CSV file: it contains binary data (byte {exc.position} is not "
            "UTF-8 or Windows-1252 text). Save it as CSV (UTF-8) and import it again."
        ) from None


def _detect_delimiter(text: str) -> str:
    lines = text.splitlines()
    first_line = lines[0] if lines else ""
    try:
        return csv.Sniffer().sniff(text[: 16 * 1024], delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: first_line.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


class CsvSource:
    """A CSV file opened for streaming: ``headers``, then ``rows()``; ``bytes_read`` for progress."""

    def __init__(self, binary_file):
        self._raw = binary_file
        try:
            self._raw.seek(0, io.SEEK_END)
            self.bytes_total = self._raw.tell()
            self._raw.seek(0)
        except (AttributeError, OSError):
            self.bytes_total = 0
        head = self._raw.read(SAMPLE_BYTES)
        if not head or not head.strip(b"\r\n\t \xef\xbb\xbf"):
            raise CsvFileError("The file is empty.")
        self.encoding = _detect_encoding(head)
        try:
            sample = head.decode(self.encoding, errors="ignore" if len(head) == SAMPLE_BYTES else "strict")
        except UnicodeDecodeError as exc:
            raise CsvFileError(f"The file could not be read as {self.encoding}: {exc.reason}.") from None
        self.delimiter = _detect_delimiter(sample.lstrip("\ufeff"))
        self._raw.seek(0)
        self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, newline="")
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        try:
            self.headers = [h.strip().lstrip("\ufeff") for h in next(self._reader)]
        except StopIteration:
            raise CsvFileError("The file is empty.") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CsvFileError(f"The header row could not be read: {exc}.") from None
        if not any(self.headers):
            raise CsvFileError("The first row should name the columns, but it is empty.")

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (AttributeError, OSError, ValueError):
            return 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(row number, values)``; the header is row 1, as in a spreadsheet."""
        row_number = 1
        try:
            for values in self._reader:
                row_number += 1
                yield row_number, values
        except UnicodeDecodeError as exc:
            raise CsvFileError(
                f"After row {row_number} the file is not valid {self.encoding} ({exc.reason}); "
                "save it again as UTF-8 and import the rest."
            ) from None
        except csv.Error as exc:
            raise CsvFileError(f"Row {row_number + 1} could not be read: {exc}.") from None

    def detach(self) -> None:
        """Stop using the file without closing it (the caller owns it)."""
        self._text.detach()
