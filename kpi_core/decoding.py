"""Turning uploaded bytes into text: spotting non-text files, choosing the encoding and the separator."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from kpi_core.columns import header_key

# File signatures of things people rename to .csv or pick by mistake.
_MAGIC = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"RIFF", "image"),
    (b"%PDF", "pdf"),
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SEPARATORS = (",", "\t", ";")
_SNIFF_CHARS = 64 * 1024
# A cell may be as long as the file (a long message pasted into a memo, or a quote never closed): Python's
# default limit of 131,072 characters would stop the csv module where pandas' parser goes on.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def binary_kind(data: bytes) -> str | None:
    """"xlsx", "xls", "image", "pdf" or "binary" when the bytes are not a text file; None for text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = data[:4096]
    if b"\x00" in head:
        return "binary"
    return None


@dataclass(frozen=True)
class Source:
    """A file's text as the reader needs it: the encoding, its head for finding the header, and the body.

    `body` is UTF-8 bytes for the CSV parser. A cp932 file is not decoded as a whole: its bytes go to the
    parser as Latin-1 (one character per byte) and `restore` turns each distinct parsed value back into
    cp932 text. That is safe because cp932 never uses a byte below 0x40 inside a two-byte character, so
    separators, quotes and line ends split the bytes exactly as they split the text.
    """

    encoding: str
    head: str
    body: bytes
    restore: Callable[[str], str] | None = None


def open_text(data: bytes, encoding: str | None = None) -> Source | None:
    """The Source for `data`: BOMs first, then strict UTF-8, then cp932; None when nothing fits the head."""
    if encoding:
        return _decoded(data.decode(encoding), encoding)
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[len(codecs.BOM_UTF8):], "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            return None
    utf8 = _utf8(data, "utf-8")
    if utf8 is not None:
        return utf8
    # Only the head is decoded strictly here; the rest is checked value by value by `restore`, which raises
    # UnicodeDecodeError for bytes that are not cp932 (measured: a third of the time of decoding it all).
    try:
        # Twice as many bytes as characters wanted: a cp932 character takes one or two bytes.
        head = codecs.getincrementaldecoder("cp932")().decode(data[: 2 * _SNIFF_CHARS], final=False)
    except UnicodeDecodeError:
        return None
    return Source("cp932", head[:_SNIFF_CHARS], data.decode("latin-1").encode("utf-8"), restore=_from_latin1_cp932)


def _from_latin1_cp932(value: str) -> str:
    return value.encode("latin-1").decode("cp932")


def _decoded(text: str, name: str) -> Source:
    text = text.lstrip("\ufeff")
    return Source(name, text[:_SNIFF_CHARS], text.encode("utf-8"))


def _utf8(data: bytes, name: str) -> Source | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Source(name, text[:_SNIFF_CHARS], data)


def is_known_encoding(name: str) -> bool:
    """True when Python knows the encoding name the user typed."""
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def sniff_records(text: str, separator: str, limit: int = 30) -> list[list[str]]:
    """The first `limit` records, split the way the full reader will split them."""
    # Only the head of the file is needed to find the header: do not copy a large text three times.
    reader = csv.reader(io.StringIO(text[:_SNIFF_CHARS], newline=""), delimiter=separator)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def find_header(text: str, known: set[str]) -> tuple[str, int, list[str]] | None:
    """(separator, record index, header cells) of the first record naming two or more known columns."""
    best: tuple[int, str, int, list[str]] | None = None
    for separator in SEPARATORS:
        found = header_record(sniff_records(text, separator), known)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], separator, found[1], found[2])
    if best is None:
        return None
    return best[1], best[2], best[3]


def header_record(records: list[list[str]], known: set[str]) -> tuple[int, int, list[str]] | None:
    """(known columns named, record index, cells) of the first record naming two or more known columns.

    The one header rule for every format: a CSV's records under each separator, a workbook sheet's first rows.
    """
    for index, record in enumerate(records):
        hits = sum(1 for cell in record if header_key(cell) in known)
        if hits >= 2:
            return hits, index, record
    return None


def first_record(text: str) -> list[str]:
    """The first non-empty record under the most likely separator (for messages about unknown files)."""
    for separator in SEPARATORS:
        for record in sniff_records(text, separator, limit=10):
            if any(cell.strip() for cell in record) and len(record) > 1:
                return record
    return []
