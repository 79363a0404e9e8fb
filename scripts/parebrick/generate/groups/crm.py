"""crm: the CRM's appeals and operator script runs (`models/staging/crm/_crm__sources.yml`).

Both are exported per Moscow day in the CRM's dialect (`;`, Windows-1251, decimal comma, `DD.MM.YYYY HH:MM:SS`
Moscow time): appeals by the day they were created, script runs by the day of their appeal. Appeal ids are
the CRM's ten-digit, zero-padded numbers (`crm.appeal_number`); run ids are plain numbers. The source's own
history: an appeal resolved later is exported first still open and again, with its final status, in the file
of the day it was resolved (the latest file wins). Delivery defects: one day's appeals file is sent twice and
another gets corrupted extra copies of appeals that are also delivered intact.
The CRM's campaign module (campaigns, members, communications) is exported by the same system in the same
dialect, once for the campaigns' span (groups/campaigns.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate import crm, uccx
from parebrick.generate.csvout import table_of
from parebrick.generate.delivery import (DUPLICATE_FILE_DAY, MALFORMED_DAY, Defect, Delivered, Dialect, Extract,
                                         day_stamp, resend)
from parebrick.generate.groups import campaigns
from parebrick.generate.groups.base import ExtractDays, SourceGroup
from parebrick.generate.rng import stream
from parebrick.generate.simulation import HOUR_SEC, SimDay, Simulation

CRM_DIALECT = Dialect(delimiter=";", encoding="cp1251")
FIRST_RUN_ID = 5_000_001          # script-run ids of the sample: seven digits, never mistaken for an appeal id
# An appeal resolved more than this after its creation may have been exported while still open.
OPEN_WHEN_EXPORTED_SEC = HOUR_SEC
INTERIM_STATUSES = np.array(["in_progress", "escalated"])
# The corrupted copies of appeals, one of each kind: appeal ids are text, so instead of text in a number the
# second copy has an empty appeal_id, which a required key column never accepts.
MALFORMED_KINDS = {"bad_date": "with created_at on 31 February",
                   "empty_id": "with an empty appeal_id (a required column)",
                   "wrong_column_count": "cut after service_code"}
# Corrupted copies are of every MALFORMED_ROW_STRIDE-th appeal (wrapping round): different appeals, no draw.
MALFORMED_ROW_STRIDE = 7
BAD_DATE = b"31.02.2025 10:00:00"         # no such day
SOME_DATE = b"01.01.2025 10:00:00"        # a valid date for the copies whose defect is elsewhere
# A corrupted copy's remaining fields: a call appeal without contact, category `x`, subcategory `y`, status
# `new`, not resolved, no operator, no comment; the wrong-column-count copy stops before them.
COPY_CHANNEL = b"call"
COPY_TAIL = [b"x", b"y", b"new", b"", b"", b""]


class CrmGroup(SourceGroup):
    name = "crm"
    time_zone = ("crm", "Europe/Moscow (UTC+3), DD.MM.YYYY HH:MM:SS")

    def __init__(self, sim: Simulation) -> None:
        super().__init__(sim)
        self.pending = ExtractDays()
        self.next_run = FIRST_RUN_ID

    def day_extracts(self, day: SimDay) -> Iterator[Extract]:
        self._hold_appeals(day)
        self._hold_script_runs(day)
        return self._extracts(self.pending.complete(day.complete_through))

    def last_day_extracts(self) -> Iterator[Extract]:
        return self._extracts(self.pending.complete())

    def period_extracts(self) -> Iterator[Extract]:
        return campaigns.extracts(self.sim.campaigns, self.name, CRM_DIALECT)

    def _hold_appeals(self, day: SimDay) -> None:
        """Hold the day's appeals for the file of the day they were created. A share of those resolved more
        than an hour after creation goes out first as still open (`in_progress` or `escalated`, no
        `resolved_at`) and again, with the final status, in the file of the day it was resolved (at least
        the next file)."""
        ap = day.appeals
        rng = stream(self.sim.spec.seed, "appeal-updates", day.index)
        n = len(ap["appeal_id"])
        late = (ap["resolved"] & (ap["resolved_msk"] - ap["created_msk"] > OPEN_WHEN_EXPORTED_SEC)
                & (rng.random(n) < self.sim.params.appeal_update_share))
        interim = dict(ap)
        interim["status"] = np.where(late, INTERIM_STATUSES[rng.integers(0, len(INTERIM_STATUSES), n)],
                                     ap["status"])
        interim["resolved"] = ap["resolved"] & ~late
        interim["update"] = np.zeros(n, dtype=bool)
        created_day = uccx.msk_day(ap["created_utc"] * 1000)
        self.pending.add("appeals", created_day, interim)
        final = {k: v[late] for k, v in ap.items()}
        final["update"] = np.ones(int(late.sum()), dtype=bool)
        resolved_day = uccx.msk_day((final["resolved_msk"] - crm.MSK) * 1000)
        self.pending.add("appeals", np.maximum(resolved_day, created_day[late] + 1), final)

    def _hold_script_runs(self, day: SimDay) -> None:
        """Hold the script runs of the day's appeals for the file of their appeal's day."""
        runs, created, self.next_run = crm.script_runs(stream(self.sim.spec.seed, "script-runs", day.index),
                                                       day.appeals, self.next_run, self.sim.params.script_run_share)
        self.pending.add("script_runs", uccx.msk_day(created * 1000), pa.table(runs))

    def _extracts(self, days: Iterable[tuple[int, dict]]) -> Iterator[Extract]:
        for xd, parts in days:
            if parts.get("script_runs"):
                runs = pa.concat_tables(parts["script_runs"])
                runs = runs.take(pc.sort_indices(runs, [("run_id", "ascending"), ("step_no", "ascending")]))
                yield Extract(self.name, "script_runs", f"script_runs_{day_stamp(xd)}", runs, CRM_DIALECT, day=xd)
            if parts.get("appeals"):
                yield self._appeals(xd, parts["appeals"])

    def _appeals(self, xd: int, parts: list[dict]) -> Extract:
        """One day's appeals file, in order of creation; re-sent appeals are recorded as such."""
        a = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.argsort(a["created_utc"], kind="stable")
        a = {k: v[order] for k, v in a.items()}
        name = f"appeals_{day_stamp(xd)}"
        updated = int(a["update"].sum())
        defects = (Defect("redelivered_updated", "appeals", name, updated, "appeals exported earlier unresolved, "
                          "re-sent with their final status (latest file wins)"),) if updated else ()
        return Extract(self.name, "appeals", name, table_of(crm.appeal_columns(a)), CRM_DIALECT, defects, day=xd)

    def plant(self, extract: Extract) -> Iterator[Delivered]:
        if extract.table != "appeals":
            yield extract.delivered()
            return
        file = extract.delivered()
        if self.is_defect_day(extract.day, MALFORMED_DAY):
            file = _with_corrupted_copies(file, extract.rows)
        yield file
        if self.is_defect_day(extract.day, DUPLICATE_FILE_DAY):
            yield resend(file)


def _with_corrupted_copies(file: Delivered, rows: pa.Table) -> Delivered:
    """The file with a corrupted extra copy of some appeals at its end, one per kind of defect."""
    lines, defects = [], list(file.defects)
    for k, (kind, how) in enumerate(MALFORMED_KINDS.items()):
        i = k * MALFORMED_ROW_STRIDE % rows.num_rows
        aid = _text(rows, "appeal_id", i)
        cells = [b"" if kind == "empty_id" else aid, BAD_DATE if kind == "bad_date" else SOME_DATE,
                 COPY_CHANNEL, b""] + [_text(rows, c, i) for c in ("customer_id", "account_id", "territory_code",
                                                                  "product_code", "service_code")]
        if kind != "wrong_column_count":
            cells += COPY_TAIL
        lines.append(b";".join(cells) + b"\n")
        defects.append(Defect("malformed", "appeals", file.name, 1,
                              f"{kind}: corrupted extra copy of appeal {aid.decode()}, {how}"))
    return Delivered(file.group, file.table, file.name, file.data + b"".join(lines), file.rows + len(lines),
                     tuple(defects))


def _text(rows: pa.Table, column: str, i: int) -> bytes:
    return str(rows[column][i].as_py()).encode()
