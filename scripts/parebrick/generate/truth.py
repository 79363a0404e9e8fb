"""Ground truth: the published views' numbers computed from the simulation's own events.

The rules are docs/metrics.md's, applied to the in-memory queue rows, never to the written files: each queued
contact is counted once on its chosen queue row (the earliest handled row by sessionSeqNum, qIndex,
queueOrder, else the last row); its date is the start of leg 0 in the local time of the counted queue's
territory; handle time is talk + hold + work over all its agent rows with -1 as 0. Planted defects do not
touch these arrays: every duplicate, overlap or late row is a copy of a row that is counted once here,
and every malformed row is a corrupted *extra* copy of a row that is also delivered intact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parebrick.generate.calls import ABANDONED, HANDLED

SERVICE_DAILY_COLUMNS = ("report_date", "service_code", "service_name", "territory_code", "territory_name",
                         "offered", "handled", "abandoned", "short_abandoned", "handled_within_sl",
                         "service_level_pct", "abandon_rate_pct", "asa_sec", "aht_sec")
RECON_COLUMNS = ("report_date", "service_code", "service_name", "cms_handled", "crm_call_appeals", "matched",
                 "cms_only", "crm_only", "match_rate_pct")


def counted_rows(qrows: dict) -> np.ndarray:
    """Index into `qrows` of each contact's counted row (docs/metrics.md `metric_offered`), for contacts with rows."""
    c, seq, qi, qo = qrows["contact"], qrows["seq"], qrows["qindex"], qrows["qorder"]
    handled = qrows["disp"] == HANDLED
    # Sort handled rows first, then by position; the first row per contact is the counted one if handled.
    first = np.lexsort((qo, qi, seq, ~handled, c))
    last = np.lexsort((-qo, -qi, -seq, c))
    c_first = c[first]
    pick_first = first[np.r_[True, c_first[1:] != c_first[:-1]]]
    c_last = c[last]
    pick_last = last[np.r_[True, c_last[1:] != c_last[:-1]]]
    return np.where(handled[pick_first], pick_first, pick_last)


class Truth:
    """Accumulates per-day group sums; `frames()` turns them into the view-shaped tables."""

    def __init__(self, queues: pd.DataFrame, short_abandon_sec: int = 5) -> None:
        self.queues = queues
        self.offset = queues["utc_offset_hours"].to_numpy().astype(np.int64)
        self.sl = queues["service_level_sec"].to_numpy().astype(np.int64)
        self.short = short_abandon_sec
        self.parts: list[pd.DataFrame] = []
        self.recon_parts: list[pd.DataFrame] = []

    def add_day(self, contacts: dict, qrows: dict, arows: dict) -> dict:
        """Adds one simulated day; returns per-contact facts (counted queue, local date, outcome, times)."""
        n = len(contacts["session"])
        pick = counted_rows(qrows)
        cq = np.full(n, -1)
        disp = np.zeros(n, dtype=np.int64)
        qtime = np.zeros(n, dtype=np.int64)
        cq[qrows["contact"][pick]] = qrows["q"][pick]
        disp[qrows["contact"][pick]] = qrows["disp"][pick]
        qtime[qrows["contact"][pick]] = qrows["qtime"][pick]
        comp = np.maximum(arows["talk"], 0) + np.maximum(arows["hold"], 0) + np.maximum(arows["work"], 0)
        handle = np.bincount(arows["contact"], weights=comp, minlength=n).astype(np.int64)
        local_date = (contacts["t0"] // 1000 + self.offset[cq] * 3600) // 86400
        h = disp == HANDLED
        a = disp == ABANDONED
        frame = pd.DataFrame({
            "day": local_date, "q": cq, "offered": 1, "handled": h.astype(np.int64), "abandoned": a.astype(np.int64),
            "short_abandoned": (a & (qtime < self.short)).astype(np.int64),
            "handled_within_sl": (h & (qtime <= self.sl[cq])).astype(np.int64),
            "qtime_handled": np.where(h, qtime, 0), "handle_handled": np.where(h, handle, 0)})
        self.parts.append(frame.groupby(["day", "q"], sort=True).sum().reset_index())
        return {"q": cq, "disp": disp, "local_date": local_date, "handled": h}

    def add_recon(self, frame: pd.DataFrame) -> None:
        """Rows of (day, service_code, cms_handled, crm_call_appeals, matched, cms_only, crm_only)."""
        self.recon_parts.append(frame.groupby(["day", "service_code"], sort=True).sum().reset_index())

    def service_daily(self, services: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
        f = pd.concat(self.parts).groupby(["day", "q"], sort=True).sum().reset_index()
        f["service_code"] = self.queues["service_code"].to_numpy()[f["q"]]
        f["territory_code"] = self.queues["territory_code"].to_numpy()[f["q"]]
        g = f.drop(columns="q").groupby(["day", "service_code", "territory_code"], sort=True).sum().reset_index()
        g["report_date"] = pd.to_datetime(g["day"], unit="D").dt.strftime("%Y-%m-%d")
        g["service_name"] = g["service_code"].map(services.set_index("service_code")["service_name"])
        g["territory_name"] = g["territory_code"].map(territories.set_index("territory_code")["territory_name"])
        base = g["offered"] - g["short_abandoned"]
        g["service_level_pct"] = _pct(g["handled_within_sl"], base)
        g["abandon_rate_pct"] = _pct(g["abandoned"] - g["short_abandoned"], base)
        g["asa_sec"] = _ratio(g["qtime_handled"], g["handled"])
        g["aht_sec"] = _ratio(g["handle_handled"], g["handled"])
        g = g.sort_values(["report_date", "service_code", "territory_code"], kind="stable")
        return g[list(SERVICE_DAILY_COLUMNS)].reset_index(drop=True)

    def reconciliation(self, services: pd.DataFrame) -> pd.DataFrame:
        f = pd.concat(self.recon_parts).groupby(["day", "service_code"], sort=True).sum().reset_index()
        f["report_date"] = pd.to_datetime(f["day"], unit="D").dt.strftime("%Y-%m-%d")
        f["service_name"] = f["service_code"].map(services.set_index("service_code")["service_name"])
        f["match_rate_pct"] = _pct(f["matched"], f["cms_handled"])
        f = f.sort_values(["report_date", "service_code"], kind="stable")
        return f[list(RECON_COLUMNS)].reset_index(drop=True)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den rounded to 6 places; NULL (empty in the CSV) where den is 0."""
    out = (num.astype("float64") / den.where(den != 0)).round(6)
    return out.astype("Float64")


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    return _ratio(100 * num, den)
