"""Formats and keys of the WFM, billing charges/payments and CRM script_runs extracts (each group's
`models/staging/<group>/_<group>__sources.yml`), the re-delivered appeals, and the funnel truth checked against
what the files say once loaded by the rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from parebrick.generate.dictionaries import load

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCAL_TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
RU_TS = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")
MSK_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")
APPEAL_STATUSES = {"new", "in_progress", "resolved", "closed", "escalated"}
APPEAL_ID = re.compile(r"^\d{10}$")                 # the CRM's zero-padded appeal numbers


def _files(out: Path, group: str, table: str) -> list[Path]:
    return sorted((out / "inbox" / group / table).glob("*.csv"))


def _read(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)


def _header(path: Path, encoding: str = "utf-8") -> str:
    return path.read_bytes().split(b"\n", 1)[0].decode(encoding)


def _all(out: Path, group: str, table: str, **kw) -> pd.DataFrame:
    return pd.concat([_read(f, **kw).assign(_file=f.stem) for f in _files(out, group, table)], ignore_index=True)


def test_wfm_staff(run10):
    out, _ = run10
    files = _files(out, "wfm", "staff")
    assert _header(files[0]) == ("operator_login,resource_login_id,full_name,team,service_code,territory_code,"
                                 "rate,hired_at,fired_at,valid_from")
    staff = _all(out, "wfm", "staff")
    assert not staff.duplicated(["operator_login", "valid_from"]).any()
    assert staff["operator_login"].duplicated().any()                  # someone moved to another team
    assert staff["rate"].str.fullmatch(r"\d\.\d{2}").all() and staff["rate"].astype(float).between(0.1, 1.0).all()
    for col in ("hired_at", "valid_from"):
        assert staff[col].str.fullmatch(ISO_DATE).all()
    fired = staff.loc[staff["fired_at"] != "", "fired_at"]
    assert fired.str.fullmatch(ISO_DATE).all()
    queues = load().queues
    pairs = set(zip(queues["service_code"], queues["territory_code"]))
    assert set(zip(staff["service_code"], staff["territory_code"])) <= pairs
    resource = _all(out, "cms", "uccx_resource")
    assert set(staff["resource_login_id"]) <= set(resource["resourceLoginID"])


def test_wfm_schedules(run10):
    out, _ = run10
    files = _files(out, "wfm", "schedules")
    assert len(files) == 2                                               # ten days: two weeks
    assert _header(files[0]) == "operator_login,shift_date,activity,activity_start,activity_end"
    s = _all(out, "wfm", "schedules")
    assert not s.duplicated(["operator_login", "shift_date", "activity_start"]).any()
    assert set(s["activity"]) <= {"work", "break", "training", "meeting", "absence"}
    assert {"work", "break", "absence"} <= set(s["activity"])
    assert s["activity_start"].str.fullmatch(LOCAL_TS).all() and s["activity_end"].str.fullmatch(LOCAL_TS).all()
    assert (s["activity_end"] > s["activity_start"]).all()
    assert set(s["operator_login"]) <= set(_all(out, "wfm", "staff")["operator_login"])


def test_wfm_forecasts(run10):
    out, _ = run10
    files = _files(out, "wfm", "forecasts")
    assert _header(files[0]) == ("service_code,territory_code,interval_start,forecast_offered,forecast_aht_sec,"
                                 "required_agents,published_at")
    f = _all(out, "wfm", "forecasts")
    key = ["service_code", "territory_code", "interval_start", "published_at"]
    assert not f.duplicated(key).any()
    assert f.duplicated(key[:3]).any()                                   # re-published intervals
    assert f["interval_start"].str.fullmatch(LOCAL_TS).all()
    assert f["interval_start"].str[14:].isin(["00:00", "30:00"]).all()    # the 30-minute grid
    assert f["forecast_offered"].str.fullmatch(r"\d+\.\d{2}").all()
    assert f["forecast_aht_sec"].str.fullmatch(r"\d+").all() and f["required_agents"].str.fullmatch(r"\d+").all()
    queues = load().queues
    assert set(zip(f["service_code"], f["territory_code"])) <= set(zip(queues["service_code"], queues["territory_code"]))


def _latest_accounts(out: Path) -> pd.DataFrame:
    acc = _all(out, "brm", "accounts")
    acc = acc.sort_values("updated_at", kind="stable")
    return acc.drop_duplicates("account_id", keep="last")


def test_charges(run10):
    out, _ = run10
    files = _files(out, "brm", "charges")
    assert [f.stem for f in files] == ["charges_202501", "charges_202502"]
    assert _header(files[0]) == "account_id,period_month,charge_type,amount_rub"
    c = _all(out, "brm", "charges")
    assert not c.duplicated(["account_id", "period_month", "charge_type"]).any()
    assert (c["period_month"] == c["_file"].str[-6:-2] + "-" + c["_file"].str[-2:]).all()
    assert set(c["charge_type"]) == {"subscription", "equipment_rent", "extra_services", "usage", "installation"}
    assert c["amount_rub"].str.fullmatch(MONEY).all() and (c["amount_rub"].astype(float) > 0).all()
    acc = _latest_accounts(out)
    assert set(c["account_id"]) <= set(acc["account_id"])
    # Every account active on any day of the month pays its subscription, and nobody else does.
    for month, first, last in (("2025-01", "2025-01-01", "2025-01-31"), ("2025-02", "2025-02-01", "2025-02-28")):
        active = acc[(acc["activated_at"] <= last) & ((acc["deactivated_at"] == "") | (acc["deactivated_at"] >= first))]
        subs = c[(c["period_month"] == month) & (c["charge_type"] == "subscription")]
        assert set(subs["account_id"]) == set(active["account_id"]), month


def test_payments(run10):
    out, _ = run10
    files = _files(out, "brm", "payments")
    assert _header(files[0]) == "payment_id,account_id,paid_at,amount_rub,method"
    p = _all(out, "brm", "payments")
    assert not p["payment_id"].duplicated().any()
    assert p["paid_at"].str.fullmatch(MSK_ISO).all()
    assert (p["paid_at"].str[:7].str.replace("-", "") == p["_file"].str[-6:]).all()
    assert p["amount_rub"].str.fullmatch(MONEY).all()
    assert set(p["method"]) <= {"card", "autopay", "sbp", "bank_transfer", "cash"}
    assert set(p["account_id"]) <= set(_latest_accounts(out)["account_id"])
    assert p["paid_at"].min() >= "2025-01-24" and p["paid_at"].max() < "2025-02-03T03"


def _appeals(out: Path) -> pd.DataFrame:
    """Appeal rows of every delivered file except byte-identical resends, malformed lines dropped."""
    frames = []
    for f in _files(out, "crm", "appeals"):
        if f.stem.endswith("_resend"):
            continue
        frames.append(_read(f, sep=";", encoding="cp1251", engine="python", on_bad_lines="skip").assign(_file=f.stem))
    a = pd.concat(frames, ignore_index=True)
    ok = (a["appeal_id"].str.fullmatch(APPEAL_ID) & a["status"].isin(APPEAL_STATUSES)
          & pd.to_datetime(a["created_at"], format="%d.%m.%Y %H:%M:%S", errors="coerce").notna())
    return a[ok]


def test_script_runs(run10):
    out, _ = run10
    files = _files(out, "crm", "script_runs")
    raw = files[1].read_bytes()
    assert raw.split(b"\n", 1)[0].decode("cp1251") == ("run_id;appeal_id;script_code;step_no;step_code;"
                                                       "started_at;finished_at;result")
    s = pd.concat([_read(f, sep=";", encoding="cp1251") for f in files], ignore_index=True)
    assert not s.duplicated(["run_id", "step_no"]).any()
    steps = s.assign(n=s["step_no"].astype(int)).groupby("run_id")["n"].agg(["min", "max", "count"])
    assert (steps["min"] == 1).all() and (steps["max"] == steps["count"]).all()
    assert s["started_at"].str.fullmatch(RU_TS).all() and s["finished_at"].str.fullmatch(RU_TS).all()
    fmt = "%d.%m.%Y %H:%M:%S"
    assert (pd.to_datetime(s["finished_at"], format=fmt) > pd.to_datetime(s["started_at"], format=fmt)).all()
    assert set(s["result"]) == {"done", "skipped", "failed"}
    appeals = _appeals(out)
    assert s["appeal_id"].str.fullmatch(APPEAL_ID).all() and s["appeal_id"].str.startswith("00").all()
    assert s["run_id"].str.fullmatch(r"[1-9]\d*").all()                  # the CRM's run ids are not padded
    assert set(s["appeal_id"]) <= set(appeals["appeal_id"])
    assert set(appeals.loc[appeals["appeal_id"].isin(s["appeal_id"]), "channel"]) == {"call", "chat"}


def test_appeal_ids_are_zero_padded_and_billing_ids_are_not(run10):
    out, _ = run10
    a = _appeals(out)
    assert len(a) and a["appeal_id"].str.startswith("00").all()
    for col in ("customer_id", "account_id"):                            # billing's ids, as billing writes them
        assert a[col].str.fullmatch(r"[1-9]\d*").all(), col
    assert set(a["account_id"]) <= set(_latest_accounts(out)["account_id"])


def test_appeals_redelivered_with_final_status(run10):
    out, manifest = run10
    a = _appeals(out)
    dup = a[a["appeal_id"].duplicated(keep=False)].sort_values(["appeal_id", "_file"], kind="stable")
    firsts, lasts = dup.drop_duplicates("appeal_id", keep="first"), dup.drop_duplicates("appeal_id", keep="last")
    assert len(firsts) == manifest["defect_counts"]["redelivered_updated"]["appeals"]
    assert (firsts["_file"].to_numpy() < lasts["_file"].to_numpy()).all()
    assert firsts["status"].isin(["in_progress", "escalated"]).all() and (firsts["resolved_at"] == "").all()
    assert lasts["status"].isin(["resolved", "closed"]).all() and lasts["resolved_at"].str.fullmatch(RU_TS).all()


def test_chat_appeals_point_at_served_chats(run10):
    out, _ = run10
    a = _appeals(out)
    chats = [json.loads(x) for x in (out / "omnichat" / "chats.jsonl").read_text(encoding="utf-8").splitlines()]
    served = {c["chat_id"] for c in chats if c["status"] == "served"}
    refs = a.loc[a["channel"] == "chat", "contact_ref"]
    assert len(refs) and set(refs) <= served


def test_funnel_truth_matches_the_files_loaded_by_the_rules(run10):
    """What a correct warehouse computes from the inbox (latest file wins, resends and malformed rows
    ignored) agrees with the truth on appeals, customers, resolved and active subscribers."""
    out, _ = run10
    a = _appeals(out).sort_values("_file", kind="stable").drop_duplicates("appeal_id", keep="last")
    offsets = load().territories.set_index("territory_code")["utc_offset_hours"].astype(int)
    created_utc = pd.to_datetime(a["created_at"], format="%d.%m.%Y %H:%M:%S") - pd.Timedelta(hours=3)
    local = created_utc + pd.to_timedelta(a["territory_code"].map(offsets), unit="h")
    a = a.assign(report_month=local.dt.strftime("%Y-%m"), resolved=a["status"].isin(["resolved", "closed"]))
    keys = ["report_month", "territory_code", "product_code", "service_code"]
    mine = a.groupby(keys).agg(appeals=("appeal_id", "size"), appealing_customers=("customer_id", "nunique"),
                               resolved=("resolved", "sum"))
    truth = pd.read_csv(out / "truth" / "v_appeal_funnel_monthly.csv", dtype={"report_month": str}).set_index(keys)
    assert mine.index.sort_values().equals(truth.index.sort_values())
    for col in ("appeals", "appealing_customers", "resolved"):
        assert mine[col].astype(int).reindex(truth.index).equals(truth[col].astype(int)), col
    acc = _latest_accounts(out)
    feb = acc[(acc["activated_at"] <= "2025-02-28") & ((acc["deactivated_at"] == "") | (acc["deactivated_at"] >= "2025-02-01"))]
    subs = feb.groupby(["territory_code", "product_code"]).size()
    t_feb = truth.xs("2025-02", level="report_month")["active_subscribers"].groupby(level=[0, 1]).first()
    assert subs.reindex(t_feb.index).fillna(0).astype(int).equals(t_feb.astype(int))
