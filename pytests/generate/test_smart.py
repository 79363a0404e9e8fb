"""The smart group (seed 002): the four extracts parsed back exactly as SOURCES.md writes them, determinism,
every planted event and rule edge in the truth, the truth's outages and usage days re-derived from the raw
files, every defect where the truth says it is, and passwords only in the online lists."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from parebrick.generate import RunSpec, generate
from parebrick.generate.monitoring import CONFLICT_EMAIL, INTERNET_CONSTANT, PREMISES_CONSTANT

SPEC = dict(start_date=dt.date(2025, 1, 13), days=1, calls_per_day=100, seed=5)
REGISTRY_NAME = re.compile(r"^(?P<cabinet>[a-z0-9]+(-[a-z0-9]+)?)_manager_(?P<date>\d{8})\.csv$")
ONLINE_NAME = re.compile(r"^(?P<cabinet>[a-z0-9]+(-[a-z0-9]+)?)_online_\d{8}\.csv$")
RU_TS = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
REPORT_KEYS = ["cabinet", "client", "reported_at", "product_version", "operup", "users_total", "users_active",
               "sessions", "searches", "empty_searches", "documents_opened", "disk_free_gb"]
POLLS_HEADER = "polled_at,cabinet,client,url,http_status,latency_ms,error"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("smart")
    return out, generate(RunSpec(out=out, groups=("smart",), **SPEC), progress=False)


def inbox(out: Path, table: str) -> list[Path]:
    return sorted((out / "inbox" / "smart" / table).iterdir())


def truth(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "truth" / name, dtype=str, keep_default_na=False)


def planted(out: Path) -> dict:
    return json.loads((out / "truth" / "smart_planted.json").read_text(encoding="utf-8"))


def defects(out: Path, kind: str) -> pd.DataFrame:
    d = truth(out, "smart_defects.csv")
    return d[d["defect"] == kind]


def registry_rows(out: Path) -> list[tuple[str, dt.date, list[list[str]]]]:
    found = []
    for path in inbox(out, "registry"):
        m = REGISTRY_NAME.match(path.name)
        assert m, path.name
        lines = path.read_bytes().decode("utf-8").split("\n")
        assert lines[-1] == "" and "\r" not in path.read_text(encoding="utf-8")
        found.append((m["cabinet"], dt.datetime.strptime(m["date"], "%d%m%Y").date(),
                      [line.split(";") if line else [] for line in lines[:-1]]))
    return found


# --- formats ------------------------------------------------------------------------------------------------


def test_registry_files_are_two_headerless_blocks(run):
    out, _ = run
    cabinets = set(pd.read_csv(Path(__file__).resolve().parents[2] / "seeds/dim/dim_smart_cabinets.csv")["cabinet"])
    refused = set(defects(out, "blocks_out_of_order")["file"])
    bad = set(defects(out, "wrong_constant")["client"]) | set(defects(out, "client_not_latin")["client"])
    files = registry_rows(out)
    assert {cabinet for cabinet, _, _ in files} == cabinets
    assert any([] in rows for _, _, rows in files) and any([] not in rows for _, _, rows in files)
    for cabinet, day, rows in files:
        name = f"{cabinet}_manager_{day:%d%m%Y}"
        widths = [len(r) for r in rows if r]
        assert set(widths) <= {5, 7}
        in_order = widths == sorted(widths, reverse=True)
        assert in_order == (name not in refused), name
        assert [] not in rows or rows.index([]) in (widths.count(7), widths.count(5)), "the blank line sits between"
        for r in rows:
            if not r or r[-1] in bad:
                continue
            if len(r) == 7:
                assert re.fullmatch(r"[a-z0-9.-]+:\d+", r[0]) and r[3] in ("http", "https"), r
                assert r[4] == INTERNET_CONSTANT, r
            else:
                assert r[2] == PREMISES_CONSTANT, r
            assert re.fullmatch(r"[A-Za-z]+", r[-1]) and "@" in r[-5 if len(r) == 7 else -4], r
            assert -2 <= int(r[-2]) <= 8
    tz = {int(r[-2]) for _, _, rows in files for r in rows if r and r[-1] not in bad}
    assert {-1, 2} <= tz and min(tz) <= -1 and max(tz) >= 7, "clients across Russia's time zones"


def test_online_lists_have_their_header_and_passwords(run):
    out, _ = run
    files = inbox(out, "online")
    assert files and all(ONLINE_NAME.match(p.name) for p in files)
    for path in files:
        rows = list(csv.reader(path.open(encoding="utf-8", newline=""), delimiter=";"))
        assert ";".join(rows[0]) == "client;url;login;password;catalog"
        assert all(len(r) == 5 and re.fullmatch(r"[A-Za-z]+", r[0]) for r in rows[1:])
    passwords = [r[3] for p in files for r in list(csv.reader(p.open(encoding="utf-8"), delimiter=";"))[1:]]
    assert any(passwords) and not all(passwords), "most accesses with a password, some without"


def test_sysinfo_lines_are_reports_on_the_machines_clock(run):
    out, _ = run
    bad = {(r.file, int(r.line)) for r in truth(out, "smart_defects.csv").itertuples()
           if r.table == "sysinfo" and r.line}
    assert len(bad) == 3
    extra_seen = nulls = 0
    for path in inbox(out, "sysinfo"):
        assert path.suffix == ".jsonl" and path.stem.startswith("sysinfo_")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if (path.stem, n) in bad:
                try:
                    assert "client" not in json.loads(line)
                except json.JSONDecodeError:
                    pass
                continue
            report = json.loads(line)
            assert list(report)[:len(REPORT_KEYS)] == REPORT_KEYS
            extra_seen += len(report) > len(REPORT_KEYS)
            assert RU_TS.match(report["reported_at"])
            op = report["operup"]
            assert set(op) == {"last_run", "status", "errors"}
            assert op["status"] in ("ok", "failed", "running", None)
            nulls += op["last_run"] is None
            assert op["last_run"] is None or RU_TS.match(op["last_run"])
            assert 0 <= report["empty_searches"] <= report["searches"]
            assert 0 <= report["users_active"] <= report["users_total"]
    assert extra_seen and nulls


def test_polls_are_utc_with_empty_status_when_the_connection_failed(run):
    out, _ = run
    frames = []
    for path in inbox(out, "polls"):
        assert path.read_text(encoding="utf-8").split("\n", 1)[0] == POLLS_HEADER
        frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
    polls = pd.concat(frames)
    assert polls["polled_at"].str.match(ISO_UTC).all()
    failed = polls["http_status"] == ""
    assert failed.any() and (polls.loc[failed, "error"] != "").all() and (polls.loc[failed, "latency_ms"] == "").all()
    ok = polls["http_status"] == "200"
    assert (polls.loc[ok, "error"] == "").all()
    assert set(polls["http_status"]) >= {"200", "", "502", "503"}


def test_same_seed_same_bytes(run, tmp_path):
    out, _ = run
    generate(RunSpec(out=tmp_path, groups=("smart",), **SPEC), progress=False)
    names = sorted(p.relative_to(out).as_posix() for p in (out / "inbox" / "smart").rglob("*") if p.is_file())
    names += [p.relative_to(out).as_posix() for p in (out / "truth").glob("*smart*")]
    assert len(names) > 30
    for rel in names:
        assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


# --- planted events and edges ------------------------------------------------------------------------------


def alerts(out: Path) -> pd.DataFrame:
    return truth(out, "smart_alerts.csv")


def test_every_planted_alert_is_in_the_truth(run):
    out, _ = run
    a = alerts(out)
    events = planted(out)["events"]
    assert len(events) >= 20
    for e in events:
        for want in e["expect"]:
            hit = a[(a["cabinet"] == e["cabinet"]) & (a["client"] == e["client"]) & (a["rule"] == want["rule"])
                    & (a["opened_at"] == want["opened_at"]) & (a["resolved_at"] == (want["resolved_at"] or ""))]
            assert len(hit) == 1, (e["id"], want)
            assert hit["planted"].iloc[0] == e["id"]
            if "inhibited" in want:
                assert hit["inhibited"].iloc[0] == str(want["inhibited"]), e["id"]


@pytest.mark.parametrize("pid, rule", [("outage_2_polls", "installation_down"),
                                       ("report_after_exactly_26h", "report_missing"),
                                       ("searches_19", "empty_searches"),
                                       ("searches_20_exactly_30pct", "empty_searches"),
                                       ("activity_drop_small_median", "activity_drop")])
def test_just_below_a_rule_no_alert(run, pid, rule):
    out, _ = run
    (e,) = [e for e in planted(out)["events"] if e["id"] == pid]
    assert e["expect"] == []
    a = alerts(out)
    mine = a[(a["cabinet"] == e["cabinet"]) & (a["client"] == e["client"]) & (a["rule"] == rule)]
    if rule == "empty_searches":
        mine = mine[mine["period"] == e["report_date"]]
    if rule == "report_missing":
        mine = mine[(mine["opened_at"] >= e["last_report_at"]) & (mine["opened_at"] <= e["next_report_at"])]
    assert mine.empty, mine


def test_the_edges_at_tz_minus_1_and_2(run):
    out, _ = run
    events = {e["id"]: e for e in planted(out)["events"]}
    assert events["report_after_exactly_26h"]["tz_correction"] == -1
    assert events["report_after_26h_1min"]["tz_correction"] == 2
    (one_minute,) = events["report_after_26h_1min"]["expect"]
    opened = dt.datetime.fromisoformat(one_minute["opened_at"])
    assert dt.datetime.fromisoformat(one_minute["resolved_at"]) - opened == dt.timedelta(minutes=1)
    assert events["outage_exactly_3_polls"]["tz_correction"] == -1
    assert events["searches_20"]["tz_correction"] == 2


def test_the_manager_listed_by_two_branches_is_not_told(run):
    out, _ = run
    a = alerts(out)
    for e in planted(out)["events"]:
        if "email_withheld" not in e:
            continue
        (want,) = e["expect"]
        hit = a[(a["cabinet"] == e["cabinet"]) & (a["client"] == e["client"]) & (a["opened_at"] == want["opened_at"])]
        recipients = hit["recipients"].iloc[0].split(",")
        assert (CONFLICT_EMAIL not in recipients) == e["email_withheld"], e["id"]
        assert any(r.startswith("smart-alerts") for r in recipients)


def test_inhibited_only_while_a_high_alert_is_open(run):
    out, _ = run
    a = alerts(out)
    assert set(a["inhibited"]) == {"True", "False"}
    assert (a.loc[a["inhibited"] == "True", "priority"] == "usage").all()
    assert set(a["rule"]) == {"installation_down", "report_missing", "update_broken", "empty_searches",
                              "activity_drop"}
    open_now = a[a["resolved_at"] == ""]
    assert set(open_now["rule"]) >= {"installation_down", "report_missing"}


# --- re-derived from the raw files ---------------------------------------------------------------------------


def test_outages_re_derived_from_the_polls_files(run):
    out, _ = run
    polls = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in inbox(out, "polls")])
    polls = polls.sort_values(["cabinet", "client", "polled_at"], kind="stable")
    found = set()
    for (cab, cli), g in polls.groupby(["cabinet", "client"]):
        failed = [s == "" or s.startswith("5") for s in g["http_status"]]
        times = [t.replace("T", " ").rstrip("Z") for t in g["polled_at"]]
        k = 0
        while k < len(failed):
            j = k
            while j < len(failed) and failed[j]:
                j += 1
            if j - k >= 3:
                found.add((cab, cli, times[k], times[j] if j < len(times) else ""))
            k = max(j, k + 1)
    a = alerts(out)
    a = a[a["rule"] == "installation_down"]
    assert found == set(zip(a["cabinet"], a["client"], a["opened_at"], a["resolved_at"]))


def test_usage_days_re_derived_from_the_sysinfo_files(run):
    out, _ = run
    listed = {(cab, r[-1]) for cab, _, rows in registry_rows(out) for r in rows
              if r and (INTERNET_CONSTANT in r or PREMISES_CONSTANT in r)}
    rows = []
    for path in inbox(out, "sysinfo"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rep = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "client" in rep and (rep["cabinet"], rep["client"]) in listed:
                day = dt.datetime.strptime(rep["reported_at"], "%d.%m.%Y %H:%M:%S").date().isoformat()
                rows.append((rep["cabinet"], rep["client"], day, rep["searches"], rep["empty_searches"],
                             rep["users_active"]))
    mine = pd.DataFrame(rows, columns=["cabinet", "client", "report_date", "searches", "empty", "users"])
    g = mine.groupby(["cabinet", "client", "report_date"]).agg(reports=("searches", "size"),
                                                               searches=("searches", "sum"),
                                                               empty=("empty", "sum"), users=("users", "max"))
    t = pd.read_csv(out / "truth" / "v_smart_usage_daily.csv").set_index(["cabinet", "client", "report_date"])
    assert len(t) == len(g)
    g = g.reindex(t.index)
    assert (g["reports"] == t["reports"]).all() and (g["searches"] == t["searches"]).all()
    assert (g["empty"] == t["empty_searches"]).all() and (g["users"] == t["users_active_max"]).all()
    pct = t["empty_search_pct"]
    assert pct[t["searches"] == 0].isna().all()


# --- defects ---------------------------------------------------------------------------------------------------


def test_every_defect_is_where_the_truth_says(run):
    out, _ = run
    d = truth(out, "smart_defects.csv")
    assert set(d["defect"]) >= {"duplicated_client", "wrong_constant", "client_not_latin", "blocks_out_of_order",
                                "manager_email_in_two_branches", "not_json", "missing_key",
                                "unregistered_installation", "password_in_list"}
    files = {f"{cab}_manager_{day:%d%m%Y}": rows for cab, day, rows in registry_rows(out)}
    for r in d[d["table"] == "registry"].itertuples():
        row = files[r.file][int(r.line) - 1]
        if r.defect == "duplicated_client":
            assert row == files[r.file][int(r.line) - 2] and row[-1] == r.client
        elif r.defect == "client_not_latin":
            assert row[-1] == r.client and re.search("[А-Яа-я]", r.client)
        elif r.defect == "wrong_constant":
            assert row[-1] == r.client and row[2] != PREMISES_CONSTANT
        elif r.defect == "manager_email_in_two_branches":
            assert CONFLICT_EMAIL in row and r.file.startswith("kodeks-nsk")
        elif r.defect == "blocks_out_of_order":
            assert len(row) == 5
    spb = [rows for name, rows in files.items() if name.startswith("kodeks-spb")]
    assert any(CONFLICT_EMAIL in r for rows in spb for r in rows)
    stray = d[d["defect"] == "unregistered_installation"]
    listed = {(cab, r[-1]) for cab, _, rows in registry_rows(out) for r in rows
              if r and (INTERNET_CONSTANT in r or PREMISES_CONSTANT in r)}
    assert len(stray) == 2 and all(int(n) > 10 for n in stray["rows"])
    text = "".join(p.read_text(encoding="utf-8") for p in inbox(out, "sysinfo"))
    for r in stray.itertuples():
        assert f'"client": "{r.client}"' in text
        assert (r.cabinet, r.client) not in listed


def test_refused_file_changes_nothing_until_its_correction(run):
    out, _ = run
    (r,) = defects(out, "blocks_out_of_order").itertuples()
    inst = truth(out, "smart_installations.csv")
    refused_day = dt.datetime.strptime(r.file.rsplit("_", 1)[1], "%d%m%Y").date().isoformat()
    assert refused_day not in set(inst.loc[inst["cabinet"] == r.cabinet, "version_date"])
    assert "kodeks-spb" == r.cabinet


# --- passwords -------------------------------------------------------------------------------------------------


def test_passwords_appear_only_in_the_online_lists(run):
    out, _ = run
    passwords = {row[3] for p in inbox(out, "online")
                 for row in list(csv.reader(p.open(encoding="utf-8"), delimiter=";"))[1:] if row[3]}
    assert len(passwords) >= 10
    online = set(inbox(out, "online"))
    for path in out.rglob("*"):
        if path.is_file() and path not in online:
            data = path.read_text(encoding="utf-8", errors="replace")
            leaked = [p for p in passwords if p in data]
            assert not leaked, path



def test_an_installation_that_never_reports_is_missing_from_the_start_of_monitoring():
    """The rule needs no first report: silence from the version's start counts like silence after a report."""
    from parebrick.generate.smart_truth import HOUR, REPORT_GRACE_HOURS, missing

    start = 1_000 * HOUR
    versions = pd.DataFrame({"cabinet": ["c", "c"], "client": ["Silent", "Talks"], "start": [start, start],
                             "stop": [None, None]})
    reports = pd.DataFrame({"cabinet": ["c"], "client": ["Talks"], "at": [start + HOUR]})
    alerts = missing(reports, versions).set_index("client")
    assert alerts.loc["Silent", "opened"] == start + REPORT_GRACE_HOURS * HOUR
    assert alerts.loc["Talks", "opened"] == start + (1 + REPORT_GRACE_HOURS) * HOUR
    assert alerts["resolved"].isna().all()


def test_an_alert_resolves_at_the_latest_when_its_installation_leaves_monitoring():
    from parebrick.generate.smart_truth import _frame, _while_monitored

    versions = pd.DataFrame({"cabinet": ["c"] * 3, "client": ["A"] * 3, "start": [0.0, 100.0, 300.0],
                             "stop": [100.0, 200.0, None]})
    alerts = _frame([
        {"cabinet": "c", "client": "A", "rule": "installation_down", "opened": 150.0, "resolved": None},
        {"cabinet": "c", "client": "A", "rule": "update_broken", "opened": 50.0, "resolved": 250.0},
        {"cabinet": "c", "client": "A", "rule": "report_missing", "opened": 120.0, "resolved": 130.0},
        {"cabinet": "c", "client": "A", "rule": "empty_searches", "opened": 200.0, "resolved": 300.0},
        {"cabinet": "c", "client": "A", "rule": "activity_drop", "opened": 350.0, "resolved": None},
    ])
    kept = _while_monitored(alerts, versions).set_index("rule")["resolved"].to_dict()
    # Listed by the versions from 0 and 100 without a break, then from 300 on: an alert still open when the
    # installation leaves at 200 resolves then, whichever version it opened in; one already resolved is left
    # alone; one opening as it leaves never opens; after it is back, an alert stays open.
    assert list(kept) == ["installation_down", "update_broken", "report_missing", "activity_drop"]
    assert kept["installation_down"] == 200.0 and kept["update_broken"] == 200.0 and kept["report_missing"] == 130.0
    assert pd.isna(kept["activity_drop"])
