"""Turning columns into extract files: timestamp forms, CSV dialects, encodings, deterministic gzip.

pyarrow writes the CSV body (it is an order of magnitude faster than pandas); the header line is written
here so that it is never quoted. Timestamps are formatted by casting Arrow timestamps to strings, which is
fast and independent of the machine's time zone.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv


def ts_ms(ms: np.ndarray) -> pa.Array:
    """`YYYY-MM-DD HH:MM:SS.fff` from epoch milliseconds (the UCCX form)."""
    return pa.array(np.asarray(ms, dtype="int64")).cast(pa.timestamp("ms")).cast(pa.string())


def ts_sec(sec: np.ndarray, sep: str = " ", missing: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DD HH:MM:SS` (or with `T`) from epoch seconds; null where `missing`."""
    out = pa.array(np.asarray(sec, dtype="int64")).cast(pa.timestamp("s")).cast(pa.string())
    if sep != " ":
        out = pc.replace_substring(out, " ", sep, max_replacements=1)
    return _mask(out, missing)


def date_str(days: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DD` from days since the epoch."""
    out = pa.array(np.asarray(days, dtype="int32")).cast(pa.date32()).cast(pa.string())
    return _mask(out, missing)


def ts_ru(sec: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """`DD.MM.YYYY HH:MM:SS` from epoch seconds (the CRM form; the caller shifts to Moscow time)."""
    iso = ts_sec(sec)
    out = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(iso, 8, 10), pc.utf8_slice_codeunits(iso, 5, 7),
        pc.utf8_slice_codeunits(iso, 0, 4), ".")
    out = pc.binary_join_element_wise(out, pc.utf8_slice_codeunits(iso, 10, 19), "")
    return _mask(out, missing)


def _mask(arr: pa.Array, missing: np.ndarray | None) -> pa.Array:
    if missing is None:
        return arr
    return pc.if_else(pa.array(np.asarray(missing, dtype=bool)), pa.scalar(None, pa.string()), arr)


def decimal_str(values: np.ndarray, places: int = 2, comma: bool = False) -> pa.Array:
    """Fixed decimals from floats, rounded half away from zero on the cent so text equals the value."""
    scaled = np.round(np.asarray(values, dtype="float64") * 10**places).astype("int64")
    sign = np.where(scaled < 0, "-", "")
    whole = np.abs(scaled) // 10**places
    frac = np.abs(scaled) % 10**places
    sep = "," if comma else "."
    # Vectorised: the integer part as Arrow text, the fraction from a lookup of zero-padded strings.
    pad = np.array([f"{sep}{k:0{places}d}" for k in range(10**places)], dtype=object)
    head = pc.binary_join_element_wise(pa.array(sign, pa.string()), pa.array(whole).cast(pa.string()), "")
    return pc.binary_join_element_wise(head, pa.array(pad[frac], pa.string()), "")


def to_csv_bytes(columns: Mapping[str, pa.Array | np.ndarray | Sequence], delimiter: str = ",",
                 encoding: str = "utf-8") -> bytes:
    """CSV text with an unquoted header; fields are quoted only when they need it; nulls are empty."""
    table = table_of(columns)
    buf = io.BytesIO()
    buf.write((delimiter.join(table.column_names) + "\n").encode("utf-8"))
    if table.num_rows:
        pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=False, delimiter=delimiter,
                                                        quoting_style="needed"))
    data = buf.getvalue()
    if encoding.lower().replace("-", "") != "utf8":
        data = data.decode("utf-8").encode(encoding)
    return data


def table_of(columns: Mapping[str, pa.Array | np.ndarray | Sequence]) -> pa.Table:
    """An Arrow table of named columns (Arrow arrays, numpy arrays or lists), in the order given."""
    return pa.table({name: _as_arrow(col) for name, col in columns.items()})


def _as_arrow(col: pa.Array | np.ndarray | Sequence) -> pa.Array:
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        return col
    return pa.array(col)


@dataclass
class Inbox:
    """The landing zone: `<root>/<group>/<table>/<name>.csv[.gz]`, with a record of every file written."""

    root: Path
    gzip: bool = False
    files: list[dict] = field(default_factory=list)

    def write(self, group: str, table: str, name: str, data: bytes, rows: int, suffix: str = ".csv") -> Path:
        folder = self.root / group / table
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name + suffix + (".gz" if self.gzip else ""))
        payload = gzip.compress(data, compresslevel=1, mtime=0) if self.gzip else data
        path.write_bytes(payload)
        self.files.append({"path": path.relative_to(self.root.parent).as_posix(), "group": group,
                           "table": table, "rows": rows})
        return path


def insert_lines(data: bytes, after_data_row: int, lines: Sequence[bytes]) -> bytes:
    """Insert whole lines after the given data row (1-based, header excluded) of a file without
    embedded line breaks."""
    parts = data.split(b"\n")
    cut = 1 + after_data_row
    return b"\n".join(parts[:cut] + list(lines) + parts[cut:])
