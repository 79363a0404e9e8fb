"""Installation monitoring (METRICS.md, seed 002): the truth the warehouse must reproduce.

Computed in Python from the simulation's rows (`monitoring.py`: the registry files' fields, the reports on
their machines' clocks, the polls), never from the written files and never by SQL. The rules, with the choices
METRICS.md leaves open:
  * **Registry**: a file whose on-premises rows (5 fields) come before an internet row (7 fields) is refused
    whole. A row is rejected when its field count is not its block's, its constant is not exactly
    `download,upload,process,ping` / `smartupload,download,upload,process,donotping`, its protocol is not
    http/https, its host:port has no numeric port, its tz_correction is not a whole number, its e-mail has no
    `@`, or its client is not Latin letters only. A line repeated exactly lists its installation once.
  * **Installations**: cabinet × client as the valid versions of the cabinet list them; a version is in force
    from 00:00 of its file's date in Saratov time (UTC+4, the registry's reference clock) until the next valid
    version of the cabinet. The sample keeps every changed installation silent around its version's date,
    so reading "from its date" as UTC or the machine's midnight gives the same rows. UTC offset = 4 +
    tz_correction. `kind` is `internet` (first block, polled) or `on_premises` (second block, not polled).
  * **Reports**: a report belongs to the installation version in force at its UTC time, `reported_at` minus
    that version's offset; a report no version claims (the installation is in no valid list then) is counted
    nowhere (`smart_defects.csv`, unregistered). Lines that are not JSON or lack the key are no reports.
    A poll belongs to the internet installation in force at `polled_at`. The **as-of** moment is the latest
    UTC time of a report or poll that belongs to an installation.
  * `v_smart_usage_daily`: installation × local day (the date of `reported_at`): reports, sums of sessions,
    searches, empty_searches, documents_opened, the highest users_active; `empty_search_pct` = 100 × empty /
    searches (NULL when no search), rounded to 6 decimals.
  * **Alerts** (times UTC `YYYY-MM-DD HH:MM:SS`; resolved_at empty while open at the as-of moment):
    `installation_down` (high): a run of at least 3 consecutive failed polls (no HTTP status, or 5xx) opens at
    its first poll and resolves at the next successful poll. `report_missing` (high): consecutive reports more
    than 26 h apart (or the start of monitoring and the first report) open at the earlier + 26 h and resolve
    at the later; the last report + 26 h at or before the as-of moment opens one still open.
    `update_broken` (high): a report with `operup.status` `failed`, or `operup.last_run` more than 7 days
    before `reported_at` (both on the machine's clock), opens at that report and resolves at the first later
    report without either (null status or last run is neither). `empty_searches` (usage): a local day with at
    least 20 searches and more than 30 % empty opens at the day's end (the next local midnight, as UTC) and
    resolves 24 hours later, when the next day is judged. `activity_drop` (usage): a local Monday-Sunday week
    whose highest users_active is below 50 % of the median of the four weeks before, each of which has a
    report, that median at least 5, opens at the week's end and resolves 7 days later. A day or week that has
    not ended by the as-of moment is not judged.
  * **Recipients**: the cabinet's high-priority (or usage) mailbox and the manager's e-mail of the version in
    force at `opened_at`, sorted and comma-joined. A manager e-mail that a version in force at that moment
    of another branch cabinet of the same distributor also lists is withheld (branches must not see each
    other's clients): the alert goes to the mailbox only. A head cabinet sharing an e-mail with its branch is
    no conflict.
  * **inhibited**: a usage alert opened while a high-priority alert of the same installation is open.
  * `v_smart_installations`: the installations in force at the as-of moment, with the last report's and the
    last successful poll's UTC time and the number of alerts still open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parebrick.generate.monitoring import (
    CONFLICT_CABINETS, CONFLICT_EMAIL, DAY, HOUR, INTERNET, INTERNET_CONSTANT, PREMISES, PREMISES_CONSTANT,
    SARATOV_UTC_OFFSET, Monitoring, day_iso, utc_text,
)

DOWN_POLLS = 3                 # var('smart_down_polls')
REPORT_GRACE_HOURS = 26        # var('smart_report_grace_hours')
UPDATE_STALE_DAYS = 7          # var('smart_update_stale_days')
MIN_SEARCHES = 20              # var('smart_min_searches')
EMPTY_SEARCH_PCT = 30          # var('smart_empty_search_pct')
ACTIVITY_DROP_PCT = 50         # var('smart_activity_drop_pct')
ACTIVITY_MIN_MEDIAN = 5
HIGH, USAGE = "high", "usage"
PRIORITY = {"installation_down": HIGH, "report_missing": HIGH, "update_broken": HIGH,
            "empty_searches": USAGE, "activity_drop": USAGE}
LATIN = re.compile(r"[A-Za-z]+")
HOST_PORT = re.compile(r"[^:;\s]+:\d{1,5}")
TZ = re.compile(r"[+-]?\d{1,2}")
ALERT_COLUMNS = ("cabinet", "client", "rule", "priority", "opened_at", "resolved_at", "recipients", "inhibited",
                 "period", "planted")
USAGE_COLUMNS = ("cabinet", "client", "report_date", "reports", "sessions", "searches", "empty_searches",
                 "empty_search_pct", "users_active_max", "documents_opened")
INSTALLATION_COLUMNS = ("cabinet", "client", "version_date", "valid_from", "valid_to", "kind", "manager",
                        "manager_email", "tz_correction", "utc_offset_hours", "polled", "url")
CURRENT_COLUMNS = ("cabinet", "client", "kind", "manager", "manager_email", "utc_offset_hours", "polled",
                   "last_report_at", "last_poll_ok_at", "open_alerts")
DEFECT_COLUMNS = ("defect", "table", "file", "line", "cabinet", "client", "rows", "expected")


@dataclass(frozen=True)
class SmartTruth:
    as_of: int
    installations: pd.DataFrame       # every installation version in force (smart_installations.csv)
    current: pd.DataFrame             # v_smart_installations
    usage: pd.DataFrame               # v_smart_usage_daily
    alerts: pd.DataFrame              # v_smart_alerts (+ inhibited, period, planted)


def valid_row(fields: tuple[str, ...], kind: str) -> str | None:
    """None when a registry row is valid for its block, else the reason (the rules of the module's docstring)."""
    if kind == INTERNET:
        if len(fields) != 7:
            return "not 7 fields"
        host_port, _, email, protocol, constant, tz, client = fields
        if not HOST_PORT.fullmatch(host_port):
            return "host:port"
        if protocol not in ("http", "https"):
            return "protocol"
        if constant != INTERNET_CONSTANT:
            return "constant"
    else:
        if len(fields) != 5:
            return "not 5 fields"
        _, email, constant, tz, client = fields
        if constant != PREMISES_CONSTANT:
            return "constant"
    if "@" not in email:
        return "manager_email"
    if not TZ.fullmatch(tz):
        return "tz_correction"
    if not LATIN.fullmatch(client):
        return "client"
    return None


def installations(mon: Monitoring) -> pd.DataFrame:
    """Every installation version in force: the valid rows of the valid files, each until the next valid list."""
    rows = []
    by_cabinet: dict[str, list] = {}
    for f in sorted(mon.registry, key=lambda f: (f.cabinet, f.day)):
        kinds = [INTERNET] * len(f.internet) + [PREMISES] * len(f.premises)
        fields = list(f.internet) + list(f.premises)
        if f.swapped:          # the on-premises block first: refused whole
            continue
        by_cabinet.setdefault(f.cabinet, []).append((f.day, list(zip(kinds, fields))))
    for cabinet, versions in by_cabinet.items():
        for k, (day, listed) in enumerate(versions):
            start = day * DAY - SARATOV_UTC_OFFSET * HOUR
            stop = versions[k + 1][0] * DAY - SARATOV_UTC_OFFSET * HOUR if k + 1 < len(versions) else None
            seen = set()
            for kind, f in listed:
                if valid_row(f, kind) is not None or f[-1] in seen:
                    continue
                seen.add(f[-1])
                if kind == INTERNET:
                    host_port, manager, email, protocol, _, tz, client = f
                    url = f"{protocol}://{host_port}/"
                else:
                    manager, email, _, tz, client = f
                    url = None
                rows.append((cabinet, client, day_iso(day), start, stop, kind, manager, email, int(tz),
                             SARATOV_UTC_OFFSET + int(tz), kind == INTERNET, url))
    frame = pd.DataFrame(rows, columns=["cabinet", "client", "version_date", "start", "stop", "kind", "manager",
                                        "manager_email", "tz_correction", "utc_offset_hours", "polled", "url"])
    return frame.sort_values(["cabinet", "client", "start"], kind="stable", ignore_index=True)


def _claim(events: pd.DataFrame, versions: pd.DataFrame, local: bool) -> pd.DataFrame:
    """The events each with the installation version in force at its UTC time (the offset of that version for
    reports on the machine's clock); events no version claims are left out."""
    v = versions.reset_index().rename(columns={"index": "version"})
    m = events.reset_index().rename(columns={"index": "event"}).merge(
        v[["version", "cabinet", "client", "start", "stop", "utc_offset_hours", "kind"]], on=["cabinet", "client"])
    m["at"] = m["local"] - m["utc_offset_hours"] * HOUR if local else m["utc"]
    stop = m["stop"].fillna(np.inf)
    m = m[(m["at"] >= m["start"]) & (m["at"] < stop)]
    return m.sort_values(["cabinet", "client", "at", "event"], kind="stable", ignore_index=True)


def compute(mon: Monitoring) -> SmartTruth:
    versions = installations(mon)
    reports = _claim(mon.reports.drop(columns=["utc"]), versions, local=True)
    polls = _claim(mon.polls, versions[versions["kind"] == INTERNET], local=False)
    as_of = int(max(reports["at"].max(), polls["at"].max()))
    usage = usage_daily(reports)
    alerts = pd.concat([down(polls), missing(reports, versions), update(reports),
                        empty_days(usage, reports, as_of), activity(usage, reports, as_of)], ignore_index=True)
    alerts = _while_monitored(alerts, versions)
    alerts = alerts[alerts["opened"] <= as_of].copy()
    alerts.loc[alerts["resolved"] > as_of, "resolved"] = np.nan
    alerts = _route(alerts, versions, mon)
    alerts = _inhibit(alerts)
    alerts["planted"] = _planted_ids(alerts, mon)
    alerts = alerts.sort_values(["cabinet", "client", "opened", "rule"], kind="stable", ignore_index=True)
    out = alerts.assign(opened_at=alerts["opened"].map(utc_text), resolved_at=alerts["resolved"].map(utc_text))
    current = _current(versions, reports, polls, alerts, as_of)
    inst = versions.assign(valid_from=versions["start"].map(utc_text), valid_to=versions["stop"].map(utc_text))
    return SmartTruth(as_of, inst[list(INSTALLATION_COLUMNS)], current, usage[list(USAGE_COLUMNS)],
                      out[list(ALERT_COLUMNS)])


def _monitoring_spans(versions: pd.DataFrame) -> pd.DataFrame:
    """Consecutive versions listing an installation (each in force until the next) as one span of monitoring."""
    rows = []
    for (cab, cli), g in versions.sort_values("start", kind="stable").groupby(["cabinet", "client"], sort=True):
        spans: list[list] = []
        for start, stop in zip(g["start"], g["stop"]):
            if spans and spans[-1][1] == start:
                spans[-1][1] = stop
            else:
                spans.append([start, stop])
        rows.extend((cab, cli, start, stop) for start, stop in spans)
    return pd.DataFrame(rows, columns=["cabinet", "client", "start", "stop"])


def _while_monitored(alerts: pd.DataFrame, versions: pd.DataFrame) -> pd.DataFrame:
    """An alert resolves at the latest when its installation leaves monitoring: the end of the span that
    started last at or before it opened. One that would open at or after that moment never opens."""
    spans = _monitoring_spans(versions)
    until = []
    for a in alerts.itertuples():
        started = spans[(spans["cabinet"] == a.cabinet) & (spans["client"] == a.client) & (spans["start"] <= a.opened)]
        until.append(started["stop"].iloc[-1] if len(started) else -np.inf)
    stop = pd.Series(until, index=alerts.index, dtype=float)
    kept = alerts[stop.isna() | (stop > alerts["opened"])].copy()
    stop = stop[kept.index]
    leaves = stop.notna() & (kept["resolved"].isna() | (kept["resolved"] > stop))
    kept.loc[leaves, "resolved"] = stop[leaves]
    return kept


def usage_daily(reports: pd.DataFrame) -> pd.DataFrame:
    r = reports.assign(day=reports["local"] // DAY)
    g = r.groupby(["cabinet", "client", "day"], sort=True).agg(
        reports=("event", "size"), sessions=("sessions", "sum"), searches=("searches", "sum"),
        empty_searches=("empty_searches", "sum"), users_active_max=("users_active", "max"),
        documents_opened=("documents_opened", "sum"), offset=("utc_offset_hours", "last")).reset_index()
    g["report_date"] = g["day"].map(day_iso)
    g["empty_search_pct"] = (100.0 * g["empty_searches"] / g["searches"].where(g["searches"] != 0)).round(6)
    return g


def _alert(cabinet: str, client: str, rule: str, opened: float, resolved: float | None, period: str = "") -> dict:
    return dict(cabinet=cabinet, client=client, rule=rule, priority=PRIORITY[rule], opened=opened,
                resolved=np.nan if resolved is None else resolved, period=period)


def _frame(items: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(items, columns=["cabinet", "client", "rule", "priority", "opened", "resolved", "period"])


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The maximal runs of True in `flags`, as [start, stop) positions: an alert opens at a run's first
    position and resolves at the position after its last (none when the run reaches the end)."""
    runs, k = [], 0
    while k < len(flags):
        if not flags[k]:
            k += 1
            continue
        j = k
        while j < len(flags) and flags[j]:
            j += 1
        runs.append((k, j))
        k = j
    return runs


def down(polls: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (cab, cli), g in polls.groupby(["cabinet", "client"], sort=True):
        status = pd.to_numeric(g["http_status"], errors="coerce")
        failed = (status.isna() | ((status >= 500) & (status <= 599))).to_numpy(dtype=bool)
        times = g["at"].to_numpy()
        for k, j in _runs(failed):
            if j - k >= DOWN_POLLS:
                out.append(_alert(cab, cli, "installation_down", times[k], times[j] if j < len(times) else None))
    return _frame(out)


def missing(reports: pd.DataFrame, versions: pd.DataFrame) -> pd.DataFrame:
    grace = REPORT_GRACE_HOURS * HOUR
    out = []
    starts = versions.groupby(["cabinet", "client"])["start"].min()
    reported = {key: g["at"].to_numpy() for key, g in reports.groupby(["cabinet", "client"], sort=True)}
    # every monitored installation, one that never reports too: it is silent from the start of monitoring
    for (cab, cli), start in starts.sort_index().items():
        times = np.r_[start, reported.get((cab, cli), np.array([], dtype=np.int64))]
        for a, b in zip(times[:-1], times[1:]):
            if b - a > grace:
                out.append(_alert(cab, cli, "report_missing", a + grace, b))
        # silent since the last report: open until a report comes (or the installation leaves monitoring)
        out.append(_alert(cab, cli, "report_missing", times[-1] + grace, None))
    return _frame(out)


def update(reports: pd.DataFrame) -> pd.DataFrame:
    out = []
    stale = UPDATE_STALE_DAYS * DAY
    for (cab, cli), g in reports.groupby(["cabinet", "client"], sort=True):
        last = g["last_run"].astype("Float64")
        bad = ((g["status"] == "failed") | ((g["local"] - last) > stale).fillna(False)).to_numpy(dtype=bool)
        times = g["at"].to_numpy()
        for k, j in _runs(bad):
            out.append(_alert(cab, cli, "update_broken", times[k], times[j] if j < len(times) else None))
    return _frame(out)


def empty_days(usage: pd.DataFrame, reports: pd.DataFrame, as_of: int) -> pd.DataFrame:
    bad = usage[(usage["searches"] >= MIN_SEARCHES) & (100 * usage["empty_searches"] > EMPTY_SEARCH_PCT
                                                       * usage["searches"])]
    out = []
    for r in bad.itertuples():
        end = (r.day + 1) * DAY - r.offset * HOUR
        out.append(_alert(r.cabinet, r.client, "empty_searches", end, end + DAY, r.report_date))
    return _frame(out)


def activity(usage: pd.DataFrame, reports: pd.DataFrame, as_of: int) -> pd.DataFrame:
    u = usage.assign(week=(usage["day"] - 4) // 7 * 7 + 4)        # day 4 since the epoch (1970-01-05) is a Monday
    weekly = u.groupby(["cabinet", "client", "week"], sort=True).agg(
        top=("users_active_max", "max"), offset=("offset", "last")).reset_index()
    keyed = weekly.set_index(["cabinet", "client", "week"])["top"]
    before = np.stack([keyed.reindex(list(zip(weekly["cabinet"], weekly["client"], weekly["week"] - 7 * k)))
                       .to_numpy(dtype=float) for k in range(1, 5)], axis=1)
    complete = ~np.isnan(before).any(axis=1)
    median = np.where(complete, np.median(np.nan_to_num(before), axis=1), np.nan)
    drop = complete & (median >= ACTIVITY_MIN_MEDIAN) & (weekly["top"].to_numpy() * 100 < ACTIVITY_DROP_PCT * median)
    out = []
    for r in weekly[drop].itertuples():
        end = (r.week + 7) * DAY - int(r.offset) * HOUR
        out.append(_alert(r.cabinet, r.client, "activity_drop", end, end + 7 * DAY, day_iso(r.week)))
    return _frame(out)


def _in_force(versions: pd.DataFrame, at: float) -> pd.DataFrame:
    return versions[(versions["start"] <= at) & (versions["stop"].fillna(np.inf) > at)]


def _route(alerts: pd.DataFrame, versions: pd.DataFrame, mon: Monitoring) -> pd.DataFrame:
    cab = mon.cabinets.set_index("cabinet")
    recipients = []
    for a in alerts.itertuples():
        live = _in_force(versions, a.opened)
        mine = live[(live["cabinet"] == a.cabinet) & (live["client"] == a.client)]
        if mine.empty:        # the alert's version ended at that moment: the latest one before it
            mine = versions[(versions["cabinet"] == a.cabinet) & (versions["client"] == a.client)
                            & (versions["start"] <= a.opened)].tail(1)
        email = mine["manager_email"].iloc[0]
        info = cab.loc[a.cabinet]
        mailbox = info["high_priority_mailbox"] if a.priority == HIGH else info["usage_mailbox"]
        others = live[live["cabinet"] != a.cabinet]
        branches = cab[(cab["distributor"] == info["distributor"]) & cab["is_branch"]].index
        conflict = info["is_branch"] and (others["cabinet"].isin(branches) & (others["manager_email"] == email)).any()
        recipients.append(",".join(sorted({mailbox} | (set() if conflict else {email}))))
    return alerts.assign(recipients=recipients)


def _inhibit(alerts: pd.DataFrame) -> pd.DataFrame:
    high = alerts[alerts["priority"] == HIGH]
    flags = []
    for a in alerts.itertuples():
        if a.priority != USAGE:
            flags.append(False)
            continue
        h = high[(high["cabinet"] == a.cabinet) & (high["client"] == a.client)]
        flags.append(bool(((h["opened"] <= a.opened) & (h["resolved"].fillna(np.inf) > a.opened)).any()))
    return alerts.assign(inhibited=flags)


def _planted_ids(alerts: pd.DataFrame, mon: Monitoring) -> list[str]:
    """The planted event that explains each alert (empty for the background's own)."""
    index = {}
    for p in mon.planted:
        for e in p["expect"]:
            index[(p["cabinet"], p["client"], e["rule"], e["opened_at"])] = p["id"]
    return [index.get((a.cabinet, a.client, a.rule, utc_text(a.opened)), "") for a in alerts.itertuples()]


def _current(versions: pd.DataFrame, reports: pd.DataFrame, polls: pd.DataFrame, alerts: pd.DataFrame,
             as_of: int) -> pd.DataFrame:
    live = _in_force(versions, as_of).copy()
    last_report = reports.groupby(["cabinet", "client"])["at"].max()
    status = pd.to_numeric(polls["http_status"], errors="coerce")
    ok = polls[status.notna() & (status < 500)].groupby(["cabinet", "client"])["at"].max()
    still = alerts[alerts["resolved"].isna()].groupby(["cabinet", "client"]).size()
    keys = list(zip(live["cabinet"], live["client"]))
    live["last_report_at"] = [utc_text(last_report.get(k)) for k in keys]
    live["last_poll_ok_at"] = [utc_text(ok.get(k)) for k in keys]
    live["open_alerts"] = [int(still.get(k, 0)) for k in keys]
    return live[list(CURRENT_COLUMNS)].sort_values(["cabinet", "client"], ignore_index=True)


def defects(mon: Monitoring, bad_lines: list[tuple[str, int, str, int]]) -> pd.DataFrame:
    """smart_defects.csv: every defect of the sample, where it is and what the warehouse must do with it."""
    rows = [(d["defect"], d["table"], d["file"], d["row"], d["cabinet"], d["client"], 1, d["expected"])
            for d in mon.defects]
    versions = installations(mon)
    for f in mon.registry:
        for line, text in enumerate(f.lines(), start=1):
            if CONFLICT_EMAIL in text and f.cabinet == CONFLICT_CABINETS[1]:
                rows.append(("manager_email_in_two_branches", "registry", f.name, line, f.cabinet,
                             text.split(";")[-1], 1,
                             "the e-mail is also in kodeks-spb's list: while both lists are in force, alerts of "
                             "the installations of either branch with that manager go to the branch's mailbox "
                             "only, and the conflict is reported"))
    for name, line, kind, _ in bad_lines:
        rows.append(("not_json" if kind != "no_client" else "missing_key", "sysinfo", name, line, "", "", 1,
                     "line rejected with its line number; the other lines of the file load"))
    claimed = _claim(mon.reports.drop(columns=["utc"]), versions, local=True)["event"]
    stray = mon.reports.drop(index=claimed)
    for (cab, cli), g in stray.groupby(["cabinet", "client"], sort=True):
        rows.append(("unregistered_installation", "sysinfo", "", None, cab, cli, len(g),
                     "reports of an installation no registry in force lists: kept as received, in no "
                     "installation's figures or alerts"))
    for f in mon.online:
        given = sum(bool(r[3]) for r in f.rows)
        rows.append(("password_in_list", "online", f.name, None, f.cabinet, "", given,
                     "passwords are never stored, logged or printed; the warehouse keeps whether one was given"))
    frame = pd.DataFrame(rows, columns=list(DEFECT_COLUMNS))
    frame["line"] = frame["line"].astype("Int64")
    return frame


def online(mon: Monitoring) -> pd.DataFrame:
    """smart_online.csv: every online access of every list, with whether a password was given (never which)."""
    rows = [(f.cabinet, f.name, day_iso(f.day), r[0], r[1], r[2], r[4], bool(r[3])) for f in mon.online
            for r in f.rows]
    return pd.DataFrame(rows, columns=["cabinet", "file", "list_date", "client", "url", "login", "catalog",
                                       "has_password"])


def planted(mon: Monitoring, as_of: int) -> dict:
    """smart_planted.json: the span, the thresholds, the planted events with what they must open."""
    return {"span": {"first_day": day_iso(mon.first_day), "last_day": day_iso(mon.last_day)},
            "as_of": utc_text(as_of),
            "thresholds": {"smart_down_polls": DOWN_POLLS, "smart_report_grace_hours": REPORT_GRACE_HOURS,
                           "smart_update_stale_days": UPDATE_STALE_DAYS, "smart_min_searches": MIN_SEARCHES,
                           "smart_empty_search_pct": EMPTY_SEARCH_PCT,
                           "smart_activity_drop_pct": ACTIVITY_DROP_PCT, "activity_min_median": ACTIVITY_MIN_MEDIAN},
            "version_in_force_from": "00:00 of the file's date, UTC+4 (Saratov)",
            "events": mon.planted}


FILES_DOC = """The files:
- `smart_alerts.csv` (v_smart_alerts; the view's alert_id is the warehouse's own): cabinet, client, rule,
  priority (`high`/`usage`), opened_at, resolved_at (empty: open at the as-of moment), recipients (sorted,
  comma-joined), inhibited (a usage alert opened while a high one was open), period (the local day or week
  start a usage alert judges), planted (the id in smart_planted.json that explains it; empty for the
  background's own).
- `v_smart_usage_daily.csv`: cabinet, client, report_date, reports, sessions, searches, empty_searches,
  empty_search_pct, users_active_max, documents_opened.
- `v_smart_installations.csv`: cabinet, client, kind (`internet`/`on_premises`), manager, manager_email,
  utc_offset_hours, polled, last_report_at, last_poll_ok_at, open_alerts.
- `smart_installations.csv`: every installation version in force: cabinet, client, version_date (the file's
  date), valid_from, valid_to (UTC; empty for the current version), kind, manager, manager_email, tz_correction,
  utc_offset_hours, polled, url (`protocol://host:port/` of a polled one).
- `smart_defects.csv`: defect, table, file (without extension), line (1-based, empty when the defect is not one
  line), cabinet, client, rows, expected (what the warehouse must do).
- `smart_online.csv`: cabinet, file, list_date, client, url, login, catalog, has_password.
- `smart_planted.json`: the span, the as-of moment, the thresholds, and every planted event with the alerts it
  must open (an empty `expect` at a rule's edge: it must open none).
"""
