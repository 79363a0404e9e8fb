"""cms: the Cisco UCCX historical reporting extracts and the Omnichat chats
(`models/staging/cms/_cms__sources.yml`).

ContactCallDetail, ContactQueueDetail and AgentConnectionDetail are cut per Moscow day of the contact's start
(UTC timestamps inside); Resource and ContactServiceQueue are one file each, as of the period's last day.
Delivery defects: the call detail of one day is sent twice, the queue detail of one day repeats the tail of
the day before, a share of agent rows arrives in the next day's file, and each detail table of one day gets
corrupted extra copies of rows that are also delivered intact. The chats are written as the versioned item
file the Omnichat API double serves (`parebrick omnichat-api`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate import chats, uccx
from parebrick.generate.csvout import insert_lines, table_of, to_csv_bytes, ts_ms
from parebrick.generate.delivery import (DUPLICATE_FILE_DAY, MALFORMED_DAY, OVERLAP_DAY, Defect, Defects, Delivered,
                                         Extract, day_stamp, resend)
from parebrick.generate.groups.base import ExtractDays, SourceGroup
from parebrick.generate.rng import stream
from parebrick.generate.simulation import DAY_SEC, SimDay, Simulation

ROW_ORDER = [("startDateTime", "ascending"), ("sessionID", "ascending"), ("sessionSeqNum", "ascending")]
# The kinds of corrupted line, planted in turn, `malformed_rows_per_table` lines per detail table.
MALFORMED_KINDS = ("bad_date", "text_in_number", "wrong_column_count")
# Corrupted lines go in after this many intact rows (fewer in a shorter file): near the top, so that the
# row numbers of everything after them depend on counting them.
MALFORMED_AFTER_ROW = 5
BAD_TIMESTAMP = b"2025-02-30 25:61:00.000"     # no such day, hour or minute
TEXT_IN_NUMBER = b"n/a"
DROPPED_COLUMNS = 2                             # a wrong-column-count line lacks its last two fields
OMNICHAT_FILE = "omnichat/chats.jsonl"


@dataclass(frozen=True)
class DetailTable:
    """A UCCX detail table: its inbox folder, its file-name prefix, columns, and the number a bad line corrupts."""

    table: str
    prefix: str
    columns: tuple[str, ...]
    number_column: str


CALL_DETAIL = DetailTable("uccx_contact_call_detail", "ContactCallDetail", uccx.CCD_COLUMNS, "connectTime")
QUEUE_DETAIL = DetailTable("uccx_contact_queue_detail", "ContactQueueDetail", uccx.CQD_COLUMNS, "queueTime")
AGENT_DETAIL = DetailTable("uccx_agent_connection_detail", "AgentConnectionDetail", uccx.ACD_COLUMNS, "talkTime")
DETAIL_TABLES = {t.table: t for t in (CALL_DETAIL, QUEUE_DETAIL, AGENT_DETAIL)}


class CmsGroup(SourceGroup):
    name = "cms"
    time_zone = ("uccx", "UTC")

    def __init__(self, sim: Simulation) -> None:
        super().__init__(sim)
        self.pending = ExtractDays()
        self.defect_rng = stream(sim.spec.seed, "defects")
        self.late_rows: pa.Table | None = None        # agent rows held back for the next agent-detail file
        self.previous_queue_detail: pa.Table | None = None

    # -- extracts ---------------------------------------------------------------------------------
    def day_extracts(self, day: SimDay) -> Iterator[Extract]:
        self._hold(day)
        return self._details(self.pending.complete(day.complete_through))

    def last_day_extracts(self) -> Iterator[Extract]:
        return self._details(self.pending.complete())

    def period_extracts(self) -> Iterator[Extract]:
        """Resource and ContactServiceQueue, named after the period's last local day."""
        end = day_stamp(self.sim.start_day + self.sim.spec.days - 1)
        yield Extract(self.name, "uccx_resource", f"Resource_{end}",
                      table_of(uccx.resource_table(self.sim.workforce)))
        yield Extract(self.name, "uccx_contact_service_queue", f"ContactServiceQueue_{end}",
                      table_of(self.sim.queue_versions.table()))

    def _hold(self, day: SimDay) -> None:
        """The day's detail rows, each held for the extract day of its contact's (or leg's) start."""
        c = day.calls
        session, node, t0 = c.contacts["session"], c.contacts["node"], c.contacts["t0"]
        text_rng = stream(self.sim.spec.seed, "uccx-text", day.index)
        qv, extensions = self.sim.queue_versions, self.sim.extension_of_resource
        tables = ((CALL_DETAIL, uccx.ccd_table(c.legs, qv, text_rng, extensions), c.legs["start"]),
                  (QUEUE_DETAIL, uccx.cqd_table(c.qrows, session, node, qv), t0[c.qrows["contact"]]),
                  (AGENT_DETAIL, uccx.acd_table(c.arows, session, node, text_rng), t0[c.arows["contact"]]))
        for detail, columns, start_ms in tables:
            self.pending.add(detail.table, uccx.msk_day(start_ms), pa.table(columns))

    def _details(self, days: Iterable[tuple[int, dict]]) -> Iterator[Extract]:
        for xd, parts in days:
            for detail in DETAIL_TABLES.values():
                if parts.get(detail.table):
                    rows = pa.concat_tables(parts[detail.table])
                    rows = rows.take(pc.sort_indices(rows, ROW_ORDER))
                    yield Extract(self.name, detail.table, f"{detail.prefix}_{day_stamp(xd)}", rows, day=xd)

    # -- delivery defects -------------------------------------------------------------------------
    def plant(self, extract: Extract) -> Iterator[Delivered]:
        detail = DETAIL_TABLES.get(extract.table)
        if detail is None:
            yield extract.delivered()
            return
        xd = extract.day
        rows, defects = extract.rows, list(extract.defects)
        if detail is AGENT_DETAIL:
            rows = self._late_rows(xd, rows, extract.name, defects)
        if detail is QUEUE_DETAIL:
            rows = self._overlap(xd, rows, extract.name, defects)
        data = to_csv_bytes({c: rows[c] for c in detail.columns})
        count = rows.num_rows
        if self.is_defect_day(xd, MALFORMED_DAY) and self.sim.params.malformed_rows_per_table:
            data, bad = self._malformed(data, detail, count, extract.name, defects)
            count += bad
        file = Delivered(self.name, detail.table, extract.name, data, count, tuple(defects))
        yield file
        if detail is CALL_DETAIL and self.is_defect_day(xd, DUPLICATE_FILE_DAY):
            yield resend(file)

    def _late_rows(self, xd: int, rows: pa.Table, name: str, defects: list[Defect]) -> pa.Table:
        """Deliver the rows held back from the previous file in this one, and hold back a share of this
        file's rows for the next (only from full days that have a next day's file)."""
        if self.late_rows is not None:
            defects.append(Defect("late_arriving", AGENT_DETAIL.table, name, self.late_rows.num_rows,
                                  "rows of the previous extract day delivered in this file"))
            rows = pa.concat_tables([rows, self.late_rows])
            self.late_rows = None
        if self.sim.start_day <= xd < self.sim.start_day + self.sim.spec.days - 1:
            late = self.defect_rng.random(rows.num_rows) < self.sim.params.late_row_share
            if late.any():
                self.late_rows = rows.filter(pa.array(late))
                rows = rows.filter(pa.array(~late))
        return rows

    def _overlap(self, xd: int, rows: pa.Table, name: str, defects: list[Defect]) -> pa.Table:
        """On the overlap day, repeat the last minutes of the previous queue-detail file at the top."""
        previous, self.previous_queue_detail = self.previous_queue_detail, rows
        minutes = self.sim.params.overlap_minutes
        if not self.is_defect_day(xd, OVERLAP_DAY) or previous is None:
            return rows
        tail = previous.filter(pc.greater_equal(previous["startDateTime"], pa.scalar(_before_midnight(xd, minutes))))
        if not tail.num_rows:
            return rows
        defects.append(Defect("overlap", QUEUE_DETAIL.table, name, tail.num_rows,
                              f"last {minutes} minutes of the previous extract repeated"))
        return pa.concat_tables([tail, rows])

    def _malformed(self, data: bytes, detail: DetailTable, rows: int, name: str,
                   defects: list[Defect]) -> tuple[bytes, int]:
        """Insert corrupted extra copies of random rows; returns the new bytes and how many lines were added."""
        count = self.sim.params.malformed_rows_per_table
        bad = _corrupted_copies(data, self.defect_rng, count, detail.columns.index("startDateTime"),
                                detail.columns.index(detail.number_column))
        for kind, _ in bad:
            defects.append(Defect("malformed", detail.table, name, 1,
                                  f"{kind}: corrupted extra copy of a row delivered intact"))
        return insert_lines(data, min(MALFORMED_AFTER_ROW, rows), [line for _, line in bad]), len(bad)

    # -- the Omnichat API's items -----------------------------------------------------------------
    def write_api_dumps(self, out: Path, defects: Defects) -> dict:
        maker = self.sim.chats
        n_chats, n_versions = maker.version_count()
        chats.write_jsonl(maker.items(), out / OMNICHAT_FILE)
        defects.add(Defect("redelivered_newer", "omnichat_chats", OMNICHAT_FILE, n_versions - n_chats,
                           "later versions of chats (newer updated_at: csat filled in or topic corrected); "
                           "the latest wins"))
        return {"omnichat": {"file": OMNICHAT_FILE, "chats": n_chats, "versions": n_versions,
                             "served_by": "parebrick omnichat-api --data DIR"}}


def _corrupted_copies(data: bytes, rng: np.random.Generator, count: int, ts_col: int,
                      num_col: int) -> list[tuple[str, bytes]]:
    """Corrupted copies of random data rows, cycling through the kinds: a bad date, text in a number,
    a wrong column count."""
    lines = data.split(b"\n")[1:-1]
    out = []
    for k in range(count):
        fields = lines[int(rng.integers(0, len(lines)))].split(b",")
        kind = MALFORMED_KINDS[k % len(MALFORMED_KINDS)]
        if kind == "bad_date":
            fields[ts_col] = BAD_TIMESTAMP
        elif kind == "text_in_number":
            fields[num_col] = TEXT_IN_NUMBER
        else:
            fields = fields[:-DROPPED_COLUMNS]
        out.append((kind, b",".join(fields)))
    return out


def _before_midnight(xd: int, minutes: int) -> str:
    """UTC text of the moment `minutes` before the extract day starts (midnight Moscow time)."""
    ms = (xd * DAY_SEC - uccx.GMT_OFFSET_MIN * 60 - minutes * 60) * 1000
    return ts_ms(np.array([ms]))[0].as_py()
