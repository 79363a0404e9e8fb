"""Decide whether a file can be read at all, and learn its identity, before ClickHouse parses it.

One streamed pass over the bytes computes the file's SHA-256 (its identity: the same bytes are loaded
once), checks the encoding, that a gzip stream is complete and that the last row is complete, and reads
the header. A file that fails here is rejected whole, with one line saying why, and nothing is loaded.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from parebrick.load.schema import Table

_CHUNK = 1 << 20
_HEADER_LIMIT = 1 << 20
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class FileRejected(Exception):
    """The file cannot be loaded at all; the message is the one-line reason recorded for it."""


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    size_bytes: int
    compressed: bool
    header: tuple[str, ...]
    extra_columns: tuple[str, ...]




class _Stream:
    """The file's decompressed bytes, chunk by chunk, hashing the bytes as stored on the way."""

    def __init__(self, path: Path, compressed: bool):
        self.path = path
        self.compressed = compressed
        self.digest = hashlib.sha256()
        self.size = 0

    def __iter__(self):
        decompressor = zlib.decompressobj(wbits=31) if self.compressed else None
        in_member = False  # inside a gzip member that has not reached its end marker yet
        with open(self.path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                self.digest.update(chunk)
                self.size += len(chunk)
                if decompressor is None:
                    yield chunk
                    continue
                while chunk:
                    in_member = True
                    try:
                        out = decompressor.decompress(chunk)
                    except zlib.error as exc:
                        raise FileRejected(f"not a readable gzip file ({exc})") from None
                    if out:
                        yield out
                    chunk = b""
                    if decompressor.eof:  # a gzip file may hold several members, one after another
                        in_member = False
                        chunk = decompressor.unused_data
                        decompressor = zlib.decompressobj(wbits=31)
        if in_member:
            raise FileRejected("truncated: the gzip stream ends before its end marker")


def _check_header(table: Table, line: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    delimiter = table.format.delimiter
    try:
        fields = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except csv.Error as exc:
        raise FileRejected(f"not a CSV header ({exc}): is this a {table.qualified} extract?") from None
    fields = [field.strip() for field in fields]
    declared = [column.field for column in table.columns if column.field not in table.file_name_fields]
    if len(fields) <= 1 and len(declared) > 1:
        for other, name in _DELIMITER_NAMES.items():
            if other != delimiter and other in line:
                raise FileRejected(
                    f"wrong delimiter: the header is split by {name} ({other!r}); {table.qualified} extracts use "
                    f"{_DELIMITER_NAMES.get(delimiter, delimiter)} ({delimiter!r})"
                )
    duplicates = sorted({name for name in fields if fields.count(name) > 1})
    if duplicates:
        raise FileRejected(f"header names a column twice: {_names(table, duplicates) or '(unnamed)'}")
    if any(not name for name in fields) and "" not in declared:
        raise FileRejected("header has an empty column name")
    missing = [name or "(the unnamed first column)" for name in declared if name not in fields]
    if missing:
        raise FileRejected(f"header lacks columns of {table.qualified}: {', '.join(missing)}")
    extra = tuple(name for name in fields if name not in declared)
    if extra and not table.format.keep_extra_columns:
        raise FileRejected(f"header has columns {table.qualified} does not define: {_names(table, extra)}")
    return tuple(fields), extra


def _names(table: Table, names: list[str] | tuple[str, ...]) -> str:
    """Names a header gives that the table does not declare, safe to print: a first line that is a row of
    data would show its values, so with fields that are never stored only their number is told (`redact`)."""
    declared = {column.field for column in table.columns}
    if table.secret_fields and any(name not in declared for name in names):
        return f"{len(names)} (names withheld: {table.qualified} has fields that are never stored)"
    return ", ".join(names)


def read_header(path: Path, table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(header, extra columns) from the first line alone, or FileRejected: enough to start parsing."""
    compressed = path.name.lower().endswith(".gz")
    head = bytearray()
    try:
        for chunk in _Stream(path, compressed):
            head += chunk
            if b"\n" in head or len(head) >= _HEADER_LIMIT:
                break
    except FileRejected:
        pass  # a damaged stream is reported by the full pass
    if not head:
        raise FileRejected("empty file: no header and no rows")
    text = bytes(head).split(b"\n", 1)[0].rstrip(b"\r").decode(table.format.encoding, errors="replace")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise FileRejected("the first line is empty: expected the header row")
    return _check_header(table, text)


def inspect_file(path: Path, table: Table) -> FileFacts:
    """Facts about `path` as an extract of `table`, or FileRejected with the reason it cannot be loaded."""
    compressed = path.name.lower().endswith(".gz")
    stream = _Stream(path, compressed)
    encoding = table.format.encoding
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    non_ascii = False
    head = bytearray()
    last = b""
    offset = 0
    for chunk in stream:
        if len(head) < _HEADER_LIMIT and b"\n" not in head:
            head += chunk[: _HEADER_LIMIT]
        if not chunk.isascii():
            non_ascii = True
            if encoding != "utf-8":
                try:
                    chunk.decode(encoding)
                except UnicodeDecodeError as exc:
                    raise FileRejected(f"not valid {encoding}: byte 0x{chunk[exc.start]:02x} at offset "
                                       f"{offset + exc.start}") from None
        if utf8_ok and not (chunk.isascii() and not utf8.getstate()[0]):
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError as exc:
                utf8_ok = False
                if encoding == "utf-8":
                    raise FileRejected(
                        f"not valid UTF-8 (byte 0x{chunk[exc.start]:02x} at offset {offset + exc.start}); "
                        f"{table.qualified} extracts are UTF-8 — is this a Windows-1251 file?"
                    ) from None
        offset += len(chunk)
        last = chunk[-1:]
    if stream.size == 0 or offset == 0:
        raise FileRejected("empty file: no header and no rows")
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
            if encoding == "utf-8":
                raise FileRejected("not valid UTF-8: the file ends inside a character") from None
    if encoding != "utf-8" and non_ascii and utf8_ok:
        raise FileRejected(f"the file is UTF-8, but {table.qualified} extracts are {encoding} "
                           f"(export it in Windows-1251)")
    if last != b"\n":
        raise FileRejected("truncated: the file does not end with a line break (its last row is incomplete)")
    if table.format.reader != "csv":
        return FileFacts(stream.digest.hexdigest(), stream.size, compressed, (), ())  # no header to check
    first_line = bytes(head).split(b"\n", 1)[0].rstrip(b"\r")
    text = first_line.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise FileRejected("the first line is empty: expected the header row")
    header, extra = _check_header(table, text)
    return FileFacts(stream.digest.hexdigest(), stream.size, compressed, header, extra)
