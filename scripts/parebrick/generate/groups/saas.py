"""saas: the cloud service's product database (seed 004; `models/staging/saas/_saas__sources.yml`).

Four tables, CSV, comma, UTF-8, the product database's column names (some hyphenated, the people export's
first column unnamed), Unix epoch seconds in UTC (`pay_date` as `YYYY-MM-DD HH:MM:SS`, activities' `month` as
`YYYY-MM-DD`), `True`/`False`, empty = NULL. The simulation is `subscriptions.py`: its own span of about
three years ending at the run's last day.

Delivery: one full export of each table as of the end of the month before the last three months
(`<table>_<YYYYMMDD>_full`), then one export per month of the rows created or changed in it, the run's last
month up to its last day (`<table>_<YYYYMM>`); activities go out per complete month only. A row changed after
an export comes again in a later one with a newer `updated_at` (`redelivered_newer`: invoices paid later,
comments added, people deleted, companies changing tariff or running out of paid time).
Defects of the real export, delivered as data for the warehouse to handle and count (SOURCES.md): billing rows
whose `payed_until` is before `created_at`, activities with negative counts, companies with no billing at all,
people of companies that do not exist, industries spelled several ways. Delivery defects: corrupted extra
copies of billing rows with the newest `updated_at` (quarantined: they must never win) and one monthly
billing export sent twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from parebrick.generate.csvout import date_str, table_of, ts_sec
from parebrick.generate.delivery import Defect, Delivered, Extract, day_stamp, resend
from parebrick.generate.groups.base import SourceGroup
from parebrick.generate.rng import stream
from parebrick.generate.simulation import Simulation
from parebrick.generate.subscriptions import DAY, EPOCH, BillingRow, Saas, add_months, month_start

DELTA_MONTHS = 3                 # the monthly exports after the full one: the run's month and the two before
# The columns of each extract, as the product database names them.
COMPANY_COLUMNS = ("id", "working_direction", "employer_count_interval", "created_at", "updated_at",
                   "billing_tariff_id", "billing_is_over")
PEOPLE_COLUMNS = ("", "company_id", "user_id", "role_id", "created_at", "updated_at", "is_deleted", "deleted_at")
BILLING_COLUMNS = ("id", "user_id", "company_id", "billing_tariff_id", "payed_until", "is_payed", "created_at",
                   "updated_at", "billing_tariff_price_id", "comment", "pay_date")
ACTIVITY_FIELDS = {"billing": "company-month-billing", "stocks": "company-month-stocks",
                   "backups": "company-month-backups", "projects": "company-month-projects",
                   "contractors": "company-month-contractors", "resource_orders": "company-month-resource-orders"}
# The corrupted copies of billing rows, one of each kind, appended to the last monthly billing export.
MALFORMED_KINDS = {"payed_until_as_date": "payed_until written as a date, not epoch seconds",
                   "lowercase_boolean": "is_payed written `true`, which this export never writes",
                   "wrong_column_count": "cut after company_id"}
MALFORMED_ROW_STRIDE = 11        # copies are of every 11th row of the file: different rows, no draw
# The delivery defects the data-quality report counts, by its codes (dim_saas_defects): a row delivered again
# replaces its older version; a corrupted copy is quarantined by the loader. A file sent twice is skipped by
# the loader before it writes any record, so the report cannot count it.
REPORTED_DELIVERY = {"redelivered_newer": "superseded_version", "malformed": "rejected_by_loader"}


@dataclass(frozen=True)
class Window:
    """One export: the rows created or changed in [start, stop) seconds, as they were at `stop`."""

    suffix: str
    start: int | None            # None: from the beginning (the full export)
    stop: int
    activity_months: tuple[int, int]   # [first, stop) month starts (days) whose activities it carries


class SaasGroup(SourceGroup):
    name = "saas"
    time_zone = ("saas", "Unix epoch seconds (UTC); pay_date YYYY-MM-DD HH:MM:SS UTC")

    def __init__(self, sim: Simulation) -> None:
        super().__init__(sim)
        self.saas: Saas = sim.saas
        self.windows = _windows(self.saas)
        self.company_versions = _company_versions(self.saas, stream(sim.spec.seed, "saas-company-updates"))
        self.twice = f"billing_{self.windows[-2].suffix}"
        self.corrupted = f"billing_{self.windows[-1].suffix}"

    def period_extracts(self) -> Iterator[Extract]:
        for table in ("companies", "people", "billing", "activities"):
            seen: set[str] = set()
            for window in self.windows:
                extract = getattr(self, f"_{table}")(window, seen)
                if extract is not None:
                    yield extract

    def plant(self, extract: Extract) -> Iterator[Delivered]:
        file = extract.delivered()
        if extract.name == self.corrupted:
            file = _with_corrupted_copies(file, extract.rows, self.saas.end_sec)
        yield file
        if extract.name == self.twice:
            yield resend(file)

    def delivery_counts(self) -> dict[tuple[str, str], int]:
        """(extract, report code) → rows of the delivery defects the data-quality report counts, from the
        files as planted (for the truth, whichever groups are written)."""
        counts: dict[tuple[str, str], int] = {}
        for extract in self.period_extracts():
            for file in self.plant(extract):
                for defect in file.defects:
                    if defect.kind in REPORTED_DELIVERY:
                        key = (defect.table, REPORTED_DELIVERY[defect.kind])
                        counts[key] = counts.get(key, 0) + defect.rows
        return counts

    # The four extracts of one window; `seen` holds the keys earlier exports of the table delivered.

    def _companies(self, w: Window, seen: set[str]) -> Extract | None:
        s = self.saas
        name = f"companies_{w.suffix}"
        picked = [(c, _as_of(vs, w.stop)) for c, vs in enumerate(self.company_versions) if _changed(vs, w)]
        if not picked:
            return None
        ids = [s.company_id[c] for c, _ in picked]
        cols = {"id": ids, "working_direction": [s.spelling[c] for c, _ in picked],
                "employer_count_interval": [int(s.size[c]) for c, _ in picked],
                "created_at": [int(s.registered_at[c]) for c, _ in picked],
                "updated_at": [v[0] for _, v in picked], "billing_tariff_id": [v[1] for _, v in picked],
                "billing_is_over": [_bool(v[2]) for _, v in picked]}
        fresh = [c for c, _ in picked if s.company_id[c] not in seen]
        defects = [Defect("company_without_billing", "companies", name, sum(bool(s.no_billing[c]) for c in fresh),
                          "companies with no billing row at all"),
                   Defect("industry_spelling", "companies", name,
                          sum(s.spelling[c] != s.industry[c] for c in fresh),
                          "industry typed unlike its name (case, spacing or another spelling)"),
                   _redelivered("companies", name, ids, seen)]
        seen.update(ids)
        return Extract(self.name, "companies", name, table_of(cols), defects=_nonzero(defects))

    def _people(self, w: Window, seen: set[str]) -> Extract | None:
        name = f"people_{w.suffix}"
        picked = []
        for person in self.saas.people:
            versions = [person.created_at] + ([person.deleted_at] if person.deleted_at is not None else [])
            if not any((w.start is None or w.start <= t) and t < w.stop for t in versions):
                continue
            deleted = person.deleted_at is not None and person.deleted_at < w.stop
            picked.append((person, person.deleted_at if deleted else person.created_at, deleted))
        if not picked:
            return None
        ids = [p.user_id for p, _, _ in picked]
        cols = {"": np.arange(len(picked)), "company_id": [p.company_id for p, _, _ in picked], "user_id": ids,
                "role_id": [p.role_id for p, _, _ in picked], "created_at": [p.created_at for p, _, _ in picked],
                "updated_at": [u for _, u, _ in picked], "is_deleted": [_bool(d) for _, _, d in picked],
                "deleted_at": pa.array([p.deleted_at if d else None for p, _, d in picked], pa.int64())}
        orphans = sum(p.orphan and p.user_id not in seen for p, _, _ in picked)
        defects = [Defect("orphan_people", "people", name, orphans, "people of companies that do not exist"),
                   _redelivered("people", name, ids, seen)]
        seen.update(ids)
        return Extract(self.name, "people", name, table_of(cols), defects=_nonzero(defects))

    def _billing(self, w: Window, seen: set[str]) -> Extract | None:
        s = self.saas
        name = f"billing_{w.suffix}"
        picked = [(r, _version(r, w.stop)) for r in s.billing
                  if any((w.start is None or w.start <= v.updated_at) and v.updated_at < w.stop for v in r.versions)]
        if not picked:
            return None
        ids = [str(r.id) for r, _ in picked]
        pay = np.array([v.pay_date if v.pay_date is not None else 0 for _, v in picked], dtype=np.int64)
        cols = {"id": ids, "user_id": [r.user_id for r, _ in picked],
                "company_id": [s.company_id[r.company] for r, _ in picked],
                "billing_tariff_id": [r.tariff for r, _ in picked], "payed_until": [v.payed_until for _, v in picked],
                "is_payed": [_bool(v.is_payed) for _, v in picked], "created_at": [r.created_at for r, _ in picked],
                "updated_at": [v.updated_at for _, v in picked],
                "billing_tariff_price_id": [r.price_id for r, _ in picked],
                "comment": pa.array([v.comment or None for _, v in picked], pa.string()),
                "pay_date": ts_sec(pay, missing=np.array([v.pay_date is None for _, v in picked]))}
        before = sum(r.kind == "defect" and str(r.id) not in seen for r, _ in picked)
        defects = [Defect("payed_until_before_created", "billing", name, before,
                          "paid rows whose payed_until is before created_at (they cover nothing)"),
                   _redelivered("billing", name, ids, seen)]
        seen.update(ids)
        return Extract(self.name, "billing", name, table_of(cols), defects=_nonzero(defects))

    def _activities(self, w: Window, seen: set[str]) -> Extract | None:
        a = self.saas.activities
        first, stop = w.activity_months
        rows = a[(a["month"] >= first) & (a["month"] < stop)]
        if rows.empty:
            return None
        name = f"activities_{w.suffix}"
        cols = {"company_id": rows["company_id"].tolist(), "month": date_str(rows["month"].to_numpy()),
                **{field: rows[col].to_numpy() for col, field in ACTIVITY_FIELDS.items()}}
        negative = int((rows[list(ACTIVITY_FIELDS)] < 0).any(axis=1).sum())
        defects = [Defect("negative_activity", "activities", name, negative, "activity rows with a negative count")]
        return Extract(self.name, "activities", name, table_of(cols), defects=_nonzero(defects))


def _windows(s: Saas) -> list[Window]:
    """The full export and the monthly ones after it (see the module's docstring)."""
    last_month = month_start(s.last_day)
    months = [add_months(last_month, k - DELTA_MONTHS + 1) for k in range(DELTA_MONTHS)]
    complete = month_start(s.last_day + 1)         # activities: months before this one are complete
    out = [Window(f"{day_stamp(months[0] - 1)}_full", None, months[0] * DAY, (-10**9, min(months[0], complete)))]
    for k, m in enumerate(months):
        nxt = add_months(m, 1)
        stop = min(nxt, s.last_day + 1) * DAY
        out.append(Window(_month_stamp(m), m * DAY, stop, (m, min(nxt, complete))))
    return out


def _month_stamp(day: int) -> str:
    return day_stamp(day)[:6]


def _company_versions(s: Saas, rng: np.random.Generator) -> list[list[tuple[int, int, bool]]]:
    """Each company's versions (updated_at, current tariff, billing_is_over): at registration, at each change
    of tariff, whenever its paid time runs out or is paid again, and at yearly-ish edits of its details."""
    paid: dict[int, list[tuple[int, int]]] = {}
    for row in s.billing:
        v = row.last
        if v.is_payed and v.pay_date is not None and v.payed_until > v.pay_date:
            paid.setdefault(row.company, []).append((v.pay_date, v.payed_until))
    out = []
    for c, changes in enumerate(s.tariff_changes):
        spans = paid.get(c, [])
        moments = sorted({t for t, _ in changes} | {t for span in spans for t in span if t <= s.end_sec})
        edits = _edits(rng, int(s.registered_at[c]), s.end_sec, s.params.info_update_yearly)
        versions: list[tuple[int, int, bool]] = []
        for t in sorted(set(moments) | set(edits)):
            tariff = [tar for at, tar in changes if at <= t][-1]
            over = not any(start <= t < stop for start, stop in spans)
            if not versions or (tariff, over) != versions[-1][1:] or t in edits:
                versions.append((t, tariff, over))
        out.append(versions)
    return out


def _edits(rng: np.random.Generator, start: int, end: int, yearly: float) -> set[int]:
    """Moments a company's details are edited without a change of tariff or paid state (a Poisson process)."""
    out, t = set(), start
    while True:
        t += int(rng.exponential(365 * DAY / yearly)) + 1
        if t > end:
            return out
        out.add(t)


def _changed(versions: list[tuple[int, int, bool]], w: Window) -> bool:
    return any((w.start is None or w.start <= v[0]) and v[0] < w.stop for v in versions)


def _as_of(versions: list[tuple[int, int, bool]], stop: int) -> tuple[int, int, bool]:
    return [v for v in versions if v[0] < stop][-1]


def _version(row: BillingRow, stop: int):
    return [v for v in row.versions if v.updated_at < stop][-1]


def _bool(value: bool) -> str:
    return "True" if value else "False"


def _redelivered(table: str, name: str, ids: list[str], seen: set[str]) -> Defect:
    again = sum(i in seen for i in ids)
    return Defect("redelivered_newer", table, name, again, "rows delivered again with a newer updated_at")


def _nonzero(defects: list[Defect]) -> tuple[Defect, ...]:
    return tuple(d for d in defects if d.rows)


def _with_corrupted_copies(file: Delivered, rows: pa.Table, newest: int) -> Delivered:
    """The file with corrupted extra copies of some of its rows at the end, stamped with the newest updated_at
    so that they would win if they were loaded."""
    lines, defects = [], list(file.defects)
    for k, (kind, how) in enumerate(MALFORMED_KINDS.items()):
        i = k * MALFORMED_ROW_STRIDE % rows.num_rows
        cells = {c: "" if rows[c][i].as_py() is None else str(rows[c][i].as_py()) for c in BILLING_COLUMNS}
        cells["updated_at"] = str(newest)
        cells["comment"] = ""
        if kind == "payed_until_as_date":
            cells["payed_until"] = (EPOCH.fromordinal(EPOCH.toordinal() + int(cells["payed_until"]) // DAY)
                                    .isoformat())
        elif kind == "lowercase_boolean":
            cells["is_payed"] = cells["is_payed"].lower()
        values = [cells[c] for c in BILLING_COLUMNS]
        if kind == "wrong_column_count":
            values = values[:BILLING_COLUMNS.index("company_id") + 1]
        lines.append(",".join(values).encode() + b"\n")
        defects.append(Defect("malformed", "billing", file.name, 1,
                              f"{kind}: corrupted extra copy of billing row {cells['id']}, {how}"))
    return Delivered(file.group, file.table, file.name, file.data + b"".join(lines), file.rows + len(lines),
                     tuple(defects))
