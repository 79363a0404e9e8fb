"""The CRM's campaign exports (seed 003) and their truth: formats, determinism, the counts of
`truth/mkt_campaign_results.csv` recomputed from the files by METRICS.md's window rules, the planted defects,
and whether the default sample is big enough for the uplift's interval to cover what was planted."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parebrick.generate import RunSpec, SimParams, campaign_truth, campaigns, customers, dictionaries, generate

SPEC = dict(start_date=dt.date(2025, 1, 20), days=2, calls_per_day=2500, seed=11)
RU_TS = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$")
COLUMNS = {
    "campaigns": "campaign_id;name;hypothesis;trigger_code;offer_product_code;offer_tariff_code;segment_code;"
                 "channel;starts_at;ends_at;response_window_days;control_share",
    "campaign_members": "campaign_id;customer_id;segment_code;group;priority;assigned_at",
    "communications": "communication_id;campaign_id;customer_id;channel;sent_at;delivered;outcome",
}
COUNTS = ("target_members", "control_members", "target_converted", "control_converted", "target_pre_converted",
          "control_pre_converted", "delivered", "agreed", "both_groups_members", "contacted_control_members",
          "unknown_to_billing_members")
# The sample every warehouse test shares (pytests/conftest.py) and the demo's: the golden test runs on the first.
GOLDEN = dict(days=4, calls_per_day=2500)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("campaigns")
    return out, generate(RunSpec(out=out, groups=("crm", "brm"), **SPEC), progress=False)


def _crm(out: Path, table: str) -> pd.DataFrame:
    files = sorted((out / "inbox" / "crm" / table).glob("*.csv"))
    assert files, table
    return pd.concat([pd.read_csv(f, sep=";", encoding="cp1251", dtype=str, keep_default_na=False) for f in files],
                     ignore_index=True)


def _accounts(out: Path) -> pd.DataFrame:
    files = sorted((out / "inbox" / "brm" / "accounts").glob("*.csv"))
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)


def _moscow(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, format="%d.%m.%Y %H:%M:%S")


def test_the_three_tables_are_in_the_crm_dialect(run):
    out, _ = run
    for table, header in COLUMNS.items():
        for f in (out / "inbox" / "crm" / table).glob("*.csv"):
            assert f.read_bytes().decode("cp1251").split("\n", 1)[0] == header, f.name
    c = _crm(out, "campaigns")
    assert c["hypothesis"].str.contains("[а-я]", regex=True).all()       # Russian text survives Windows-1251
    assert c["control_share"].str.fullmatch(r"0,\d+").all()
    assert (c["offer_tariff_code"] != "").sum() == 2 and set(c["channel"]) <= {"call", "sms", "email", "push"}
    for col in ("starts_at", "ends_at"):
        assert c[col].str.fullmatch(RU_TS).all()
    m = _crm(out, "campaign_members")
    assert set(m["group"]) == {"target", "control"} and m["assigned_at"].str.fullmatch(RU_TS).all()
    assert set(m["campaign_id"]) == set(c["campaign_id"])
    comm = _crm(out, "communications")
    assert not comm["communication_id"].duplicated().any() and set(comm["delivered"]) == {"0", "1"}
    assert set(comm["outcome"]) <= {"", "no_answer", "refused", "interested", "agreed"}
    # Priority is a rank within the campaign: 1 … n over its customers.
    for cid, part in m.drop_duplicates(["campaign_id", "customer_id"]).groupby("campaign_id"):
        assert sorted(part["priority"].astype(int)) == list(range(1, len(part) + 1)), cid


def test_same_seed_same_bytes_whatever_groups_are_written(run, tmp_path):
    out, _ = run
    again = tmp_path / "again"
    generate(RunSpec(out=again, **SPEC), progress=False)
    for f in sorted((out / "inbox").rglob("*.csv")) + sorted((out / "truth").glob("mkt_*")):
        assert f.read_bytes() == (again / f.relative_to(out)).read_bytes(), f.name


def _conversions(members: pd.DataFrame, c: pd.DataFrame, acc: pd.DataFrame, by_date: bool) -> pd.DataFrame:
    """Each counted member's conversion in the window and the pre-period, from the files: a new account of the
    offered product (its activated_at) or the customer's account of that product first seen on the offered
    tariff after another one (that version's updated_at, Moscow). `by_date` reads the window by Moscow dates."""
    acc = acc.assign(updated=pd.to_datetime(acc["updated_at"].str[:19]), activated=pd.to_datetime(acc["activated_at"]))
    first_seen = acc.sort_values("updated").drop_duplicates("account_id")
    new_accounts = first_seen[["account_id", "customer_id", "product_code", "activated"]]
    versions = acc.sort_values(["account_id", "updated"]).drop_duplicates(["account_id", "updated"])
    prev = versions.groupby("account_id")["tariff_code"].shift()
    moved = versions[prev.notna() & (prev != versions["tariff_code"])]
    camp = c.set_index("campaign_id")
    rows = []
    for cid, part in members.groupby("campaign_id"):
        offer, tariff = camp.at[cid, "offer_product_code"], camp.at[cid, "offer_tariff_code"]
        w = pd.Timedelta(days=int(camp.at[cid, "response_window_days"]))
        if tariff:
            hits = moved[(moved["product_code"] == offer) & (moved["tariff_code"] == tariff)]
            when = hits.groupby("customer_id")["updated"].apply(list)
        else:
            when = new_accounts[new_accounts["product_code"] == offer].groupby("customer_id")["activated"].apply(list)
        for row in part.itertuples(index=False):
            at = row.assigned
            times = when.get(row.customer_id, [])
            if by_date:
                at, times = at.normalize(), [t.normalize() for t in times]
            rows.append({"campaign_id": cid, "customer_id": row.customer_id,
                         "converted": any(at <= t < at + w for t in times),
                         "pre_converted": any(at - w <= t < at for t in times)})
    return members.merge(pd.DataFrame(rows), on=["campaign_id", "customer_id"])


@pytest.mark.parametrize("by_date", [False, True], ids=["by_time", "by_date"])
def test_the_truths_counts_are_what_the_files_say(run, by_date):
    """METRICS.md's counts from the extracts alone equal the truth on every campaign × segment, whether the
    window is read by time or by date (the sample has no contract on an edge day)."""
    out, _ = run
    c = _crm(out, "campaigns")
    raw = _crm(out, "campaign_members").assign(assigned=lambda f: _moscow(f["assigned_at"]))
    groups = raw.groupby(["campaign_id", "customer_id"])["group"].nunique()
    both = groups[groups > 1].reset_index()[["campaign_id", "customer_id"]]
    members = raw.merge(both.assign(both=True), how="left", on=["campaign_id", "customer_id"])
    counted = members[members["both"].isna()].drop(columns="both")
    m = _conversions(counted, c, _accounts(out), by_date)
    comm = _crm(out, "communications").merge(m[["campaign_id", "customer_id", "group"]],
                                             on=["campaign_id", "customer_id"], how="left")
    to_target = comm[comm["group"] == "target"]
    known = set(_accounts(out)["customer_id"])
    mine = {}
    for (cid, seg), part in m.groupby(["campaign_id", "segment_code"]):
        t, k = part[part["group"] == "target"], part[part["group"] == "control"]
        sent = to_target[to_target["customer_id"].isin(set(t["customer_id"])) & (to_target["campaign_id"] == cid)]
        contacted = comm[(comm["campaign_id"] == cid) & (comm["group"] == "control")]
        mine[(cid, seg)] = {
            "target_members": len(t), "control_members": len(k), "target_converted": int(t["converted"].sum()),
            "control_converted": int(k["converted"].sum()), "target_pre_converted": int(t["pre_converted"].sum()),
            "control_pre_converted": int(k["pre_converted"].sum()),
            "delivered": sent.loc[sent["delivered"] == "1", "customer_id"].nunique(),
            "agreed": sent.loc[sent["outcome"] == "agreed", "customer_id"].nunique(),
            "both_groups_members": int(((both["campaign_id"] == cid) & both["customer_id"].isin(
                set(raw.loc[(raw["campaign_id"] == cid) & (raw["segment_code"] == seg), "customer_id"]))).sum()),
            "contacted_control_members": contacted.loc[contacted["customer_id"].isin(set(k["customer_id"])),
                                                       "customer_id"].nunique(),
            "unknown_to_billing_members": int((~part["customer_id"].isin(known)).sum())}
    truth = pd.read_csv(out / "truth" / "mkt_campaign_results.csv", dtype={"campaign_id": str})
    assert len(truth) == len(mine) == sum(len(s.segments) for s in SimParams().campaigns.campaigns)
    for row in truth.itertuples(index=False):
        got = mine[(row.campaign_id, row.segment_code)]
        assert got == {col: int(getattr(row, col)) for col in COUNTS}, (row.campaign_id, row.segment_code)
    assert truth["target_converted"].sum() > 0 and truth["control_pre_converted"].sum() > 0


def test_the_truths_statistics_follow_the_metric_definitions(run):
    out, _ = run
    truth = pd.read_csv(out / "truth" / "mkt_campaign_results.csv")
    for row in truth.itertuples(index=False):
        stats = campaign_truth.two_proportions(row.target_converted, row.target_members, row.control_converted,
                                               row.control_members)
        assert row.uplift_pp == pytest.approx(stats["uplift_pp"], abs=1e-5)
        assert row.uplift_ci_high_pp - row.uplift_pp == pytest.approx(row.uplift_pp - row.uplift_ci_low_pp, abs=1e-5)
        assert row.incremental_contracts == pytest.approx(row.uplift_pp / 100 * row.target_members, abs=1e-4)
        did = 100 * ((row.target_converted - row.target_pre_converted) / row.target_members
                     - (row.control_converted - row.control_pre_converted) / row.control_members)
        assert row.did_uplift_pp == pytest.approx(did, abs=1e-5)
    # Hand computation: 30/100 against 10/100 is 20 points, z = 0.2 / √(0.2 · 0.8 · 0.02) = 3.5355.
    hand = campaign_truth.two_proportions(30, 100, 10, 100)
    assert hand["uplift_pp"] == pytest.approx(20.0)
    assert hand["uplift_ci_low_pp"] == pytest.approx(20 - 1.96 * 100 * (0.21 / 100 + 0.09 / 100) ** 0.5)
    assert hand["p_value"] == pytest.approx(0.000407, abs=1e-6)
    assert campaign_truth.two_proportions(3, 10, 0, 0)["uplift_pp"] is None


def test_every_planted_defect_is_in_the_files_and_counted(run):
    out, manifest = run
    p = SimParams().campaigns
    planted = json.loads((out / "truth" / "mkt_planted.json").read_text(encoding="utf-8"))
    counts = manifest["defect_counts"]
    assert counts["both_groups"] == {"campaign_members": p.both_groups_members}
    assert counts["unknown_to_billing"] == {"campaign_members": p.unknown_members}
    assert counts["contacted_control"] == {"communications": p.contacted_control_members}
    m = _crm(out, "campaign_members")
    twice = m.groupby(["campaign_id", "customer_id"])["group"].agg(["nunique", "size"])
    assert ((twice["nunique"] == 2) & (twice["size"] == 2)).sum() == p.both_groups_members
    known = set(_accounts(out)["customer_id"])
    unknown = m.loc[~m["customer_id"].isin(known), ["campaign_id", "customer_id"]].drop_duplicates()
    assert len(unknown) == p.unknown_members
    assert {(d["campaign_id"], d["customer_id"]) for d in planted["defects"]["unknown_to_billing"]} == \
        set(unknown.itertuples(index=False, name=None))
    control = m[m["group"] == "control"]
    comm = _crm(out, "communications").merge(control, on=["campaign_id", "customer_id"])
    both = set(twice[twice["nunique"] == 2].index)
    to_control = {k for k in comm[["campaign_id", "customer_id"]].itertuples(index=False, name=None) if k not in both}
    assert len(to_control) == p.contacted_control_members
    truth = pd.read_csv(out / "truth" / "mkt_campaign_results.csv")
    assert truth["both_groups_members"].sum() == p.both_groups_members
    assert truth["unknown_to_billing_members"].sum() == p.unknown_members
    assert truth["contacted_control_members"].sum() == p.contacted_control_members


def test_contracts_are_billing_accounts_charged_like_the_others(run):
    """The cross-sell accounts are in the accounts extracts and pay their subscription in the period's months;
    upsold accounts come again on the offered tariff with a newer updated_at; a few converters sign twice."""
    out, manifest = run
    acc = _accounts(out)
    members = pd.read_csv(out / "truth" / "mkt_campaign_members.csv", dtype=str, keep_default_na=False)
    converted = members[members["converted"] == "1"]
    new = acc[acc["account_id"].astype(np.int64) >= campaigns.NEW_ACCOUNT_BASE].drop_duplicates("account_id")
    assert set(new["customer_id"]) <= set(members["customer_id"])
    charges = pd.concat([pd.read_csv(f, dtype=str) for f in (out / "inbox" / "brm" / "charges").glob("*.csv")])
    subs = set(charges.loc[charges["charge_type"] == "subscription", "account_id"])
    assert set(new["account_id"]) <= subs
    per_customer = new.groupby(["customer_id", "product_code"]).size()
    assert (per_customer == 2).any()                                  # a member converting twice converts once
    upsold = acc[acc["tariff_code"].str.endswith("_t4") & acc.duplicated("account_id", keep=False)]
    assert len(upsold) and len(converted)
    assert manifest["defect_counts"]["redelivered_newer"]["accounts"] >= upsold["account_id"].nunique()


def _simulated(calls_per_day: int, days: int, seed: int) -> pd.DataFrame:
    """The campaign results of a run's campaigns, simulated alone (no files)."""
    spec = RunSpec(out=Path("."), days=days, calls_per_day=calls_per_day, seed=seed)
    params = SimParams()
    dicts = dictionaries.load(None)
    start = (spec.start_date - dictionaries.EPOCH_DATE).days
    acc = customers.build(dicts, spec, params, start)
    return campaign_truth.results(campaigns.simulate(acc, dicts.products, params.campaigns, seed, start + days - 1))


def _covered(r: pd.DataFrame) -> pd.Series:
    return (r["uplift_ci_low_pp"] <= r["planted_uplift_pp"]) & (r["planted_uplift_pp"] <= r["uplift_ci_high_pp"])


def test_the_golden_sample_is_big_enough_for_the_golden_test():
    """On the warehouse tests' sample (default seed) the interval covers the planted uplift in at least 90 %
    of campaign × segments and the campaign without effect is significant in none of its segments."""
    r = _simulated(seed=RunSpec(out=Path(".")).seed, **GOLDEN)
    assert _covered(r).mean() >= 0.9
    no_effect = r[r["planted_uplift_pp"].groupby(r["campaign_id"]).transform("max") == 0]
    assert len(no_effect) and (no_effect["p_value"] >= 0.05).all()


def test_over_many_seeds_the_interval_covers_at_its_level_and_only_the_control_group_corrects_the_trend():
    """Across seeds the 95 % interval covers the planted uplift about 95 % of the time (the sample is big
    enough for the normal approximation); the baseline rises, so the target's after − before comparison
    finds an effect in the campaign that has none, and the difference in differences does not."""
    frames = [_simulated(seed=seed, **GOLDEN) for seed in range(12)]
    r = pd.concat(frames, ignore_index=True)
    assert _covered(r).mean() >= 0.92
    none = r[r["planted_uplift_pp"].groupby([r.index // len(frames[0]), r["campaign_id"]]).transform("max") == 0]
    naive = none["target_conversion_pct"] - none["target_pre_conversion_pct"]
    assert naive.mean() > 0.5 and abs(none["did_uplift_pp"].mean()) < 0.5 and abs(none["uplift_pp"].mean()) < 0.5
    effect = r[r["planted_uplift_pp"] >= 4]
    assert (effect["p_value"] < 0.05).mean() >= 0.8                   # the large effects are found


def test_priority_ranks_the_members_with_the_larger_uplift_first(run):
    """The Qini curve over priority is meaningful: the top half of a campaign with an effect has the larger
    planted uplift; in the campaign without one, every member's is 0."""
    out, _ = run
    m = pd.read_csv(out / "truth" / "mkt_campaign_members.csv", dtype={"customer_id": str})
    m = m[m["unknown_to_billing"] == 0]
    for cid, part in m.groupby("campaign_id"):
        top = part["priority"] <= part["priority"].median()
        if part["planted_uplift_pp"].max() == 0:
            continue
        assert part.loc[top, "planted_uplift_pp"].mean() > 1.5 * part.loc[~top, "planted_uplift_pp"].mean(), cid
    planted = json.loads((out / "truth" / "mkt_planted.json").read_text(encoding="utf-8"))
    assert planted["no_effect_campaigns"] == ["CMP-103"]
