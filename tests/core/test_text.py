"""One decoding policy for uploads (core/text.py): marks, then UTF-8, then Windows-1252, else a clear refusal."""

import codecs

import pytest

from core.text import NotText, decode, detect_encoding


def test_windows_1252_with_accents_and_the_euro_sign():
    data = "Prénom;Café;Müller;3,50 €\n".encode("cp1252")
    assert detect_encoding(data) == "cp1252"
    assert decode(data) == "Prénom;Café;Müller;3,50 €\n"


def test_utf16_with_a_byte_order_mark_either_way_round():
    for data in ("Zoë,Renée\n".encode("utf-16"), codecs.BOM_UTF16_BE + "Zoë,Renée\n".encode("utf-16-be")):
        assert detect_encoding(data) == "utf-16"
        assert decode(data) == "Zoë,Renée\n"


def test_utf8_with_a_byte_order_mark_loses_the_mark():
    data = "\ufeffJosé Lee".encode()
    assert detect_encoding(data) == "utf-8-sig"
    assert decode(data) == "José Lee"


def test_plain_utf8_is_utf8_even_when_it_is_also_valid_windows_1252():
    assert detect_encoding("Zoë".encode()) == "utf-8"
    assert decode("Zoë".encode()) == "Zoë"


def test_the_head_of_a_file_may_end_inside_a_character():
    head = "café".encode()[:-1]
    assert detect_encoding(head, complete=False) == "utf-8"
    assert detect_encoding(head) == "cp1252"  # the whole file: that last byte is not UTF-8


@pytest.mark.parametrize(
    "data,position",
    [
        (b"abc\xff\x00", 3),  # not UTF-8 at byte 3, and a NUL besides
        (b"\x89PNG\r\n\x1a\n\x00\x00", 0),
        (b"plain\x00text", 5),  # valid UTF-8, but a NUL is binary
        (b"caf\xe9 \x81", 3),  # 0x81 is undefined in Windows-1252
    ],
)
def test_bytes_that_are_none_of_these_are_refused_with_the_position(data, position):
    with pytest.raises(NotText, match=f"byte {position} is not UTF-8") as refused:
        decode(data)
    assert refused.value.position == position


def test_a_mark_followed_by_bytes_of_another_encoding_is_refused():
    with pytest.raises(NotText, match="says it is UTF-16"):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8")  # an unpaired surrogate
    with pytest.raises(NotText, match="says it is UTF-8"):
        decode(codecs.BOM_UTF8 + "é".encode("cp1252"))
