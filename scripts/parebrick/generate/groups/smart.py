"""smart: the installation monitoring of seed 002 (SOURCES.md "smart"), written from `monitoring.py`'s rows.

Four tables under `inbox/smart/`:
  registry/<cabinet>_manager_<DDMMYYYY>.csv   each registry version as the distributor sends it: `;`, UTF-8, no
        header, the internet block (7 fields) then the on-premises block (5 fields), an empty line between them
        in some files; the defects of the lists are in the rows (a Cyrillic client, a wrong constant, a repeated
        line, one file with its blocks swapped, a manager e-mail listed by two branch cabinets)
  online/<cabinet>_online_<DDMMYYYY>.csv      `;`, UTF-8, header client;url;login;password;catalog (passwords as
        people send them, drawn per run; some accesses without one)
  sysinfo/sysinfo_<YYYYMMDD>.jsonl            one report a line, a file per 7 days of arrival (UTC) from the span's
        first day; reported_at and operup.last_run on the machine's clock (DD.MM.YYYY HH:MM:SS); some agents
        add fields SOURCES.md does not list; extra lines that are not reports (not JSON, or no `client`)
  polls/polls_<YYYYMMDD>.csv                  `,`, header polled_at,cabinet,client,url,http_status,latency_ms,error;
        polled_at ISO-8601 UTC (`2025-01-13T10:30:07Z`); http_status and latency_ms empty when the connection failed
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from parebrick.generate.csvout import ts_ru, ts_sec
from parebrick.generate.delivery import Defect, Delivered, Extract, day_stamp
from parebrick.generate.groups.base import SourceGroup
from parebrick.generate.monitoring import HTML_LINE, Monitoring
from parebrick.generate.simulation import Simulation

ONLINE_HEADER = "client;url;login;password;catalog"
POLLS_COLUMNS = ("polled_at", "cabinet", "client", "url", "http_status", "latency_ms", "error")


@dataclass(frozen=True)
class TextExtract(Extract):
    """An extract whose bytes the group writes itself (no header, JSON lines): delivered as they are."""

    payload: bytes = b""
    count: int = 0
    suffix: str = ".csv"

    def data(self) -> bytes:
        return self.payload

    def delivered(self) -> Delivered:
        return Delivered(self.group, self.table, self.name, self.payload, self.count, self.defects, self.suffix)


def sysinfo_name(day: int) -> str:
    return f"sysinfo_{day_stamp(day)}"


def polls_name(day: int) -> str:
    return f"polls_{day_stamp(day)}"


def sysinfo_layout(mon: Monitoring) -> dict[int, tuple[np.ndarray, list[tuple[int, str]]]]:
    """Per weekly file (its first day): the report rows it holds in order, and the extra lines as (report row
    after which, kind). Shared by the writer and the truth's record of where the bad lines are."""
    days = mon.file_day(mon.reports["utc"].to_numpy())
    out: dict[int, tuple[np.ndarray, list[tuple[int, str]]]] = {}
    for day in mon.week_files():
        out[day] = (np.flatnonzero(days == day), [])
    for row, kind, _ in mon.corrupt_lines:
        out[int(days[row])][1].append((row, kind))
    return out


def bad_line_numbers(mon: Monitoring) -> list[tuple[str, int, str, int]]:
    """(file, line number, kind, report row copied) of every extra line of the sysinfo files."""
    found = []
    for day, (rows, extras) in sysinfo_layout(mon).items():
        position = {int(r): k for k, r in enumerate(rows)}
        for j, (row, kind) in enumerate(sorted(extras)):
            found.append((sysinfo_name(day), position[row] + 2 + j, kind, row))
    return found


class SmartGroup(SourceGroup):
    name = "smart"
    time_zone = ("smart", "registry dates DDMMYYYY; reports on the installation's clock (DD.MM.YYYY HH:MM:SS, UTC+4+"
                          "tz_correction); polls ISO-8601 UTC")

    def __init__(self, sim: Simulation) -> None:
        super().__init__(sim)
        self.mon: Monitoring = sim.smart

    def period_extracts(self) -> Iterator[Extract]:
        yield from self._registry()
        yield from self._online()
        yield from self._sysinfo()
        yield from self._polls()

    def _registry(self) -> Iterator[Extract]:
        for f in self.mon.registry:
            lines = f.lines()
            records = sum(1 for x in lines if x)      # the blank line between the blocks is no row
            defects = [Defect(d["defect"], "registry", f.name, 1 if d["defect"] != "blocks_out_of_order" else
                              records, f"{d['client'] or 'whole file'}: {d['expected']}")
                       for d in self.mon.defects if d["file"] == f.name]
            yield TextExtract(self.name, "registry", f.name, pa.table({}), defects=tuple(defects),
                              payload=("\n".join(lines) + "\n").encode("utf-8"), count=records)

    def _online(self) -> Iterator[Extract]:
        for f in self.mon.online:
            text = "\n".join([ONLINE_HEADER] + [";".join(r) for r in f.rows]) + "\n"
            given = sum(bool(r[3]) for r in f.rows)
            defects = (Defect("password_in_list", "online", f.name, given,
                              "passwords as people send them: never stored, logged or printed"),) if given else ()
            yield TextExtract(self.name, "online", f.name, pa.table({}), defects=defects,
                              payload=text.encode("utf-8"), count=len(f.rows))

    def _sysinfo(self) -> Iterator[Extract]:
        rep = self.mon.reports
        lines = report_lines(self.mon)
        listed = {(i.cabinet, i.client) for i in self.mon.installs if i.listed}
        for day, (rows, extras) in sysinfo_layout(self.mon).items():
            name = sysinfo_name(day)
            after: dict[int, list[str]] = {}
            defects = []
            for row, kind in extras:
                after.setdefault(int(row), []).append(_bad_line(lines[row], kind))
                defects.append(Defect("not_json" if kind != "no_client" else "missing_key", "sysinfo", name, 1,
                                      f"{kind}: an extra line after the report of line {row}, rejected"))
            out = []
            for r in rows:
                out.append(lines[r])
                out.extend(after.get(int(r), ()))
            keys = list(zip(rep["cabinet"].to_numpy()[rows], rep["client"].to_numpy()[rows]))
            stray = sum(k not in listed for k in keys)
            if stray:
                defects.append(Defect("unregistered_installation", "sysinfo", name, stray,
                                      "reports of installations no registry lists"))
            yield TextExtract(self.name, "sysinfo", name, pa.table({}), defects=tuple(defects),
                              payload=("\n".join(out) + "\n").encode("utf-8"), count=len(out), suffix=".jsonl")

    def _polls(self) -> Iterator[Extract]:
        polls = self.mon.polls
        days = self.mon.file_day(polls["utc"].to_numpy())
        for day in self.mon.week_files():
            part = polls[days == day]
            stamp = ts_sec(part["utc"].to_numpy(), sep="T").to_pylist()
            status, latency = (_integers(part[c]) for c in ("http_status", "latency_ms"))
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(POLLS_COLUMNS)
            writer.writerows(zip([s + "Z" for s in stamp], part["cabinet"].tolist(), part["client"].tolist(),
                                 part["url"].tolist(), status, latency, part["error"].tolist()))
            yield TextExtract(self.name, "polls", polls_name(day), pa.table({}),
                              payload=buf.getvalue().encode("utf-8"), count=len(part))


def report_lines(mon: Monitoring) -> list[str]:
    """Each report as its JSON line, in the order of `mon.reports`."""
    rep = mon.reports
    reported = ts_ru(rep["local"].to_numpy()).to_pylist()
    last = rep["last_run"]
    last_text = ts_ru(last.fillna(0).to_numpy(dtype=np.int64), missing=last.isna().to_numpy()).to_pylist()
    status = [s if isinstance(s, str) else None for s in rep["status"]]
    errors = rep["errors"].astype("Int64").to_numpy(dtype=object, na_value=None).tolist()
    cols = [rep[c].tolist() for c in ("cabinet", "client", "product_version", "users_total", "users_active",
                                      "sessions", "searches", "empty_searches", "documents_opened", "disk_free_gb",
                                      "extra")]
    out = []
    for k, (cab, cli, ver, ut, ua, se, sr, em, do, disk, extra) in enumerate(zip(*cols)):
        op = json.dumps({"last_run": last_text[k], "status": status[k], "errors": errors[k]})
        line = (f'{{"cabinet": {json.dumps(cab)}, "client": {json.dumps(cli, ensure_ascii=False)}, '
                f'"reported_at": "{reported[k]}", "product_version": "{ver}", "operup": {op}, '
                f'"users_total": {ut}, "users_active": {ua}, "sessions": {se}, "searches": {sr}, '
                f'"empty_searches": {em}, "documents_opened": {do}, "disk_free_gb": {disk:.1f}')
        out.append(line + (f", {extra}}}" if extra else "}"))
    return out


def _integers(values) -> list[str]:
    """Whole numbers as text, empty for a missing one."""
    return ["" if pd.isna(v) else str(int(v)) for v in values]


def _bad_line(line: str, kind: str) -> str:
    if kind == "truncated":
        return line[: len(line) // 2]
    if kind == "html":
        return HTML_LINE
    data = json.loads(line)
    data.pop("client")
    return json.dumps(data, ensure_ascii=False)
