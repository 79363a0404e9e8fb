"""From an extract to the files that land in the inbox: the extract as its source exports it, the files as they
are delivered (with the defects real deliveries have), and the record of every planted defect.

Two kinds of defect are recorded. Some are the source's own history and come with the extract (an appeal
re-sent with its final status, an account re-delivered closed): `Extract.defects`. The others happen on the
way (a file sent twice, an overlap, a late row, a corrupted line): a group's `plant` turns one extract into
the delivered files and adds them to `Delivered.defects`. The manifest lists both, in delivery order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from parebrick.generate.csvout import Inbox, to_csv_bytes

# Which extract day gets which delivery defect, counted from `Simulation.first_extract_day` (0). Early enough
# that a six-day sample has all three, and on different days so that each file carries one kind of defect.
DUPLICATE_FILE_DAY = 2
OVERLAP_DAY = 3
MALFORMED_DAY = 4


@dataclass(frozen=True)
class Defect:
    """One planted defect: what kind, in which table and file, how many rows, and what was done."""

    kind: str
    table: str
    file: str
    rows: int
    note: str


@dataclass(frozen=True)
class Dialect:
    """How a source writes its CSV."""

    delimiter: str = ","
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Extract:
    """One extract file as the source exports it, with the defects of the source's own history."""

    group: str
    table: str
    name: str
    rows: pa.Table
    dialect: Dialect = Dialect()
    defects: tuple[Defect, ...] = ()
    day: int | None = None              # a daily extract's day (Moscow days since the epoch)

    def data(self) -> bytes:
        return to_csv_bytes({c: self.rows[c] for c in self.rows.column_names}, delimiter=self.dialect.delimiter,
                            encoding=self.dialect.encoding)

    def delivered(self) -> Delivered:
        """The extract delivered as exported."""
        return Delivered(self.group, self.table, self.name, self.data(), self.rows.num_rows, self.defects)


@dataclass(frozen=True)
class Delivered:
    """One file as it lands in the inbox: its bytes, its row count (corrupted lines included), its defects."""

    group: str
    table: str
    name: str
    data: bytes
    rows: int
    defects: tuple[Defect, ...] = ()
    suffix: str = ".csv"                # the file's extension (a JSON-lines extract is `.jsonl`)


def resend(file: Delivered) -> Delivered:
    """A byte-identical copy of a delivered file under another name: the same extract delivered twice."""
    name = file.name + "_resend"
    return Delivered(file.group, file.table, name, file.data, file.rows,
                     (Defect("duplicate_file", file.table, name, file.rows, f"byte-identical copy of {file.name}"),))


# Defects that make the loader refuse the file they are in as a whole (the rest of the inbox still loads).
WHOLE_FILE_DEFECTS = frozenset({"blocks_out_of_order"})
# Defects whose rows the loader quarantines one by one (`raw.load_rejected_rows`), the rest of the file loading.
QUARANTINED_ROW_DEFECTS = frozenset({"malformed", "wrong_constant", "client_not_latin", "not_json", "missing_key"})


class Defects:
    """Every planted defect in delivery order, the counts per kind and table, and the files the loader must
    refuse whole (inbox-relative paths: `parebrick load --expected-rejections` reads them from the manifest)."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.rejected_files: list[str] = []

    def add(self, defect: Defect) -> None:
        self.items.append({"kind": defect.kind, "table": defect.table, "file": defect.file, "rows": defect.rows,
                           "note": defect.note})

    def summary(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for d in self.items:
            out[d["kind"]][d["table"]] += d["rows"]
        return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def deliver(files: Iterable[Delivered], inbox: Inbox, defects: Defects) -> None:
    """Write each file into the inbox and record its defects."""
    for file in files:
        path = inbox.write(file.group, file.table, file.name, file.data, file.rows, file.suffix)
        for defect in file.defects:
            defects.add(defect)
        if any(defect.kind in WHOLE_FILE_DEFECTS for defect in file.defects):
            defects.rejected_files.append(path.relative_to(inbox.root).as_posix())


def day_stamp(day: int) -> str:
    """`YYYYMMDD` of a day number (days since the epoch): the date in an extract's file name."""
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).strftime("%Y%m%d")
