"""SaaS subscriptions and churn (METRICS.md, seed 004): the truth the warehouse must reproduce.

Computed in Python from the simulation's rows as they stand at the export (each row's last version), never
from the written files. The rules, with the choices METRICS.md leaves open:
  * As-of date: the day of the latest billing `created_at` (or the day given, as `var('saas_as_of')`). Billing
    counts as it stood at the end of it: rows created after it, and payments made after it, do not count.
  * A **paid row**: `is_payed`, `pay_date` set, `payed_until` after `pay_date`. It covers the days from
    `pay_date` (date) up to, not including, `payed_until` (date). A zero price (the price list) is a bonus.
    Rows whose `payed_until` is before `created_at` are therefore no paid rows: they cover nothing.
  * A **subscription**: covered days merged while the gap between them is at most `grace_days` (30) days;
    `ended_on` is the day after its last covered day; running (censored) when `ended_on` + grace > as-of.
  * **Active** months: those a subscription overlaps, a running one through the as-of date. The spine runs
    from the month of the first subscription to the as-of month.
  * **MRR** of an active month: price ÷ months of the paid row covering the month's last covered day (the
    latest `pay_date` among the rows covering it, then the highest id). A bonus row, or a month with no covered
    day (inside a grace gap, or a running subscription's last days), keeps the MRR of the company's latest
    earlier active month (0 if none). The month's tariff is that row's (a month with no covered day keeps the
    earlier one).
  * **Movement**, in this order: new, churn (not active, active the month before; MRR 0, the attributes of the
    month before), reactivation, expansion (MRR up on the month before), contraction, retained.
  * `v_saas_churn_monthly` groups the company-months of each month by industry, size bucket and the month's
    tariff group: `active_start` counts rows whose company was active the month before (churn, expansion,
    contraction, retained) and `mrr_start` sums their previous MRR, so `active_end = active_start + new +
    reactivated - churned` and the MRR bridge hold in every row; expansion and contraction MRR are the
    changes. Percentages are NULL on a zero denominator.
  * `v_saas_companies`: one row per company of the companies extract. `industry` is dim_saas_industries'
    industry of the spelling lower-cased with spaces trimmed and collapsed; `first_paid_on` the first
    subscription's start; `churned_on` the last subscription's `ended_on` when no subscription is running;
    `lifetime_days` from the first start to that `ended_on`, else to the as-of date (`is_censored`);
    `reactivations` the subscriptions after the first; `users_active` the company's people not deleted;
    `tariff_group` that of the company's last active month; `months_active` its active months.
    `had_price_increase`: a paid row of non-zero price whose monthly price is above the company's previous
    such row of the same tariff (by `pay_date`); `price_increase_on` the `pay_date` of the first.
    `on_time_renewal_pct`: of the paid rows (bonus rows included) after the company's first, by `pay_date`,
    the share paid at most `on_time_days` (30) days after the previous paid row's `payed_until` (dates).
    A company without any paid row has NULL dates, lifetime and percentages, and no months.
  * `saas_data_quality.csv` (v_saas_data_quality: extract, defect, rows): the export's defects counted on
    the rows in their last version (billing rows whose `payed_until` is before `created_at`, paid rows without
    `pay_date`, invoices still unpaid, companies without any billing row, industries typed unlike their name
    or not in dim_saas_industries, users of companies that do not exist, activity rows with a negative count),
    and per extract the versions delivered again (replaced) and the corrupted copies (quarantined), as the
    delivery planted them (groups/saas.py). A file sent twice is skipped by the loader and not counted.
Monetary values and percentages are rounded to 6 decimals; dates are `YYYY-MM-DD`, times `YYYY-MM-DD HH:MM:SS`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parebrick.generate.dictionaries import normalised_spelling
from parebrick.generate.subscriptions import DAY, EPOCH, Saas, add_months, month_start

GRACE_DAYS = 30          # var('saas_grace_days')
ON_TIME_DAYS = 30        # var('saas_on_time_days')
CHURN_MONTHLY_COLUMNS = ("report_month", "industry", "size_bucket", "tariff_group", "active_start", "new",
                         "reactivated", "churned", "active_end", "logo_churn_pct", "mrr_start", "new_mrr",
                         "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr", "mrr_end",
                         "gross_mrr_churn_pct", "net_mrr_churn_pct")
COMPANIES_COLUMNS = ("company_id", "industry", "size_bucket", "created_at", "first_paid_on", "churned_on",
                     "lifetime_days", "is_censored", "reactivations", "users_active", "tariff_group",
                     "had_price_increase", "on_time_renewal_pct", "months_active", "price_increase_on")
MOVEMENTS = ("new", "churn", "reactivation", "expansion", "contraction", "retained")
WAS_ACTIVE = ("churn", "expansion", "contraction", "retained")


@dataclass(frozen=True)
class Paid:
    """A paid row as the rules read it (days since the epoch)."""

    id: int
    tariff: int
    monthly: float
    pay_day: int
    pay_sec: int
    until_day: int


@dataclass(frozen=True)
class SaasTruth:
    as_of: int
    subscriptions: pd.DataFrame
    company_months: pd.DataFrame
    churn_monthly: pd.DataFrame
    companies: pd.DataFrame


def billing_frame(sim: Saas) -> pd.DataFrame:
    """Every billing row in its last version (what the warehouse keeps), with its price-list row's price."""
    prices = sim.dicts.prices.set_index("billing_tariff_price_id")
    rows = [(r.id, sim.company_id[r.company], r.tariff, r.price_id, r.created_at, r.last.is_payed, r.last.pay_date,
             r.last.payed_until) for r in sim.billing]
    frame = pd.DataFrame(rows, columns=["id", "company_id", "tariff", "price_id", "created_at", "is_payed",
                                        "pay_date", "payed_until"])
    frame["monthly"] = (prices["price_rub"] / prices["months"]).reindex(frame["price_id"]).to_numpy()
    return frame


def compute(sim: Saas, as_of: int | None = None) -> SaasTruth:
    """Subscriptions, company-months, the churn view and the companies view; `as_of` (days since the epoch)
    as var('saas_as_of') names one, else the day of the latest billing created_at."""
    billing = billing_frame(sim)
    as_of = int(billing["created_at"].max()) // DAY if as_of is None else as_of
    billing = billing[billing["created_at"] // DAY <= as_of]
    paid = billing[billing["is_payed"] & billing["pay_date"].notna()].copy()
    paid["pay_date"] = paid["pay_date"].astype(np.int64)
    paid = paid[(paid["payed_until"] > paid["pay_date"]) & (paid["pay_date"] // DAY <= as_of)]
    by_company: dict[str, list[Paid]] = {}
    for r in paid.sort_values(["pay_date", "id"], kind="stable").itertuples():
        by_company.setdefault(r.company_id, []).append(
            Paid(int(r.id), int(r.tariff), float(r.monthly), int(r.pay_date) // DAY, int(r.pay_date),
                 int(r.payed_until) // DAY))
    tariffs = sim.dicts.tariffs.set_index("billing_tariff_id")["tariff_group"].to_dict()
    buckets = sim.dicts.size_buckets.set_index("employer_count_interval")["size_bucket"].to_dict()
    industry_of = sim.dicts.industries.set_index("working_direction")["industry"].to_dict()
    users = pd.Series([p.company_id for p in sim.people if p.deleted_at is None]).value_counts().to_dict()
    subs_rows, month_rows, company_rows = [], [], []
    for c, cid in enumerate(sim.company_id):
        industry = industry_of[normalised_spelling(sim.spelling[c])]
        size = buckets[int(sim.size[c])]
        rows = by_company.get(cid, [])
        subs = subscriptions(rows, as_of)
        for k, (start, ended, running) in enumerate(subs, start=1):
            subs_rows.append((cid, k, _iso(start), _iso(ended), running))
        months = company_months(rows, subs, as_of)
        for m in months:
            m.update(company_id=cid, industry=industry, size_bucket=size,
                     tariff_group=tariffs.get(m["billing_tariff_id"]))
        month_rows.extend(months)
        company_rows.append(_company(cid, sim.registered_at[c], industry, size, rows, subs, months, as_of,
                                     users.get(cid, 0), tariffs))
    subs_frame = pd.DataFrame(subs_rows, columns=["company_id", "subscription_no", "started_on", "ended_on",
                                                  "is_running"])
    cm = pd.DataFrame(month_rows, columns=["company_id", "report_month", "movement", "mrr", "previous_mrr",
                                           "billing_tariff_id", "tariff_group", "industry", "size_bucket"])
    cm = cm.sort_values(["company_id", "report_month"], kind="stable").reset_index(drop=True)
    companies = pd.DataFrame(company_rows, columns=list(COMPANIES_COLUMNS))
    companies["lifetime_days"] = companies["lifetime_days"].astype("Int64")
    companies["on_time_renewal_pct"] = companies["on_time_renewal_pct"].astype("Float64")
    return SaasTruth(as_of, subs_frame, cm, churn_monthly(cm), companies)


def subscriptions(rows: list[Paid], as_of: int) -> list[tuple[int, int, bool]]:
    """(start, ended_on, running) of each subscription: covered days merged across gaps up to the grace."""
    spans = sorted((r.pay_day, r.until_day) for r in rows if r.until_day > r.pay_day)
    out: list[list[int]] = []
    for start, stop in spans:
        if out and start - out[-1][1] <= GRACE_DAYS:
            out[-1][1] = max(out[-1][1], stop)
        else:
            out.append([start, stop])
    return [(s, e, e + GRACE_DAYS > as_of) for s, e in out]


def company_months(rows: list[Paid], subs: list[tuple[int, int, bool]], as_of: int) -> list[dict]:
    """The company's months from its first subscription to the as-of month, with movement and MRR."""
    if not subs:
        return []
    out: list[dict] = []
    month, last = month_start(subs[0][0]), month_start(as_of)
    prev_active, prev_mrr, prev_tariff = False, 0.0, None
    ever_active = False
    while month <= last:
        nxt = add_months(month, 1)
        active = any(s < nxt and (as_of + 1 if running else e) > month for s, e, running in subs)
        if active:
            mrr, tariff = _mrr(rows, month, nxt, prev_mrr, prev_tariff)
            if not ever_active:
                movement = "new"
            elif not prev_active:
                movement = "reactivation"
            elif mrr > prev_mrr:
                movement = "expansion"
            elif mrr < prev_mrr:
                movement = "contraction"
            else:
                movement = "retained"
            out.append({"report_month": _iso(month), "movement": movement, "mrr": mrr,
                        "previous_mrr": prev_mrr if prev_active else 0.0, "billing_tariff_id": tariff})
            ever_active, prev_mrr, prev_tariff = True, mrr, tariff
        elif prev_active:
            out.append({"report_month": _iso(month), "movement": "churn", "mrr": 0.0, "previous_mrr": prev_mrr,
                        "billing_tariff_id": prev_tariff})
        prev_active = active
        month = nxt
    return out


def _mrr(rows: list[Paid], month: int, nxt: int, prev_mrr: float, prev_tariff: int | None
         ) -> tuple[float, int | None]:
    """MRR and tariff of an active month (see the module's rules); `prev_*`: the latest earlier active month."""
    last_covered = max((min(r.until_day, nxt) - 1 for r in rows if r.pay_day < nxt and r.until_day > month),
                       default=None)
    if last_covered is None:
        return prev_mrr, prev_tariff
    covering = [r for r in rows if r.pay_day <= last_covered < r.until_day]
    row = max(covering, key=lambda r: (r.pay_sec, r.id))
    return (prev_mrr if row.monthly == 0 else row.monthly), row.tariff


def _company(cid: str, registered: int, industry: str, size: str, rows: list[Paid],
             subs: list[tuple[int, int, bool]], months: list[dict], as_of: int, users: int,
             tariffs: dict[int, str]) -> tuple:
    active = [m for m in months if m["movement"] != "churn"]
    increase_on = price_increase_day(rows)
    created = dt.datetime.fromtimestamp(int(registered), dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if not subs:
        return (cid, industry, size, created, None, None, None, None, 0, users, None, False, None, 0, None)
    running = any(r for _, _, r in subs)
    first, last_end = subs[0][0], subs[-1][1]
    churned_on = None if running else _iso(last_end)
    lifetime = (as_of if running else last_end) - first
    return (cid, industry, size, created, _iso(first), churned_on, lifetime, running, len(subs) - 1, users,
            tariffs.get(active[-1]["billing_tariff_id"]) if active else None, increase_on is not None,
            on_time_pct(rows), len(active), _iso(increase_on) if increase_on is not None else None)


def price_increase_day(rows: list[Paid]) -> int | None:
    """The first renewal of a tariff at a monthly price above the company's previous non-free row of it."""
    last: dict[int, float] = {}
    for r in rows:
        if r.monthly == 0:
            continue
        if r.tariff in last and r.monthly > last[r.tariff]:
            return r.pay_day
        last[r.tariff] = r.monthly
    return None


def on_time_pct(rows: list[Paid]) -> float | None:
    """Share of the paid rows after the first paid at most ON_TIME_DAYS after the previous row's payed_until."""
    if len(rows) < 2:
        return None
    on_time = sum(b.pay_day - a.until_day <= ON_TIME_DAYS for a, b in zip(rows, rows[1:]))
    return round(100.0 * on_time / (len(rows) - 1), 6)


def churn_monthly(cm: pd.DataFrame) -> pd.DataFrame:
    """v_saas_churn_monthly from the company-months (see the module's rules)."""
    f = cm.copy()
    for name in MOVEMENTS:
        f[f"is_{name}"] = (f["movement"] == name).astype(np.int64)
    was = f["movement"].isin(WAS_ACTIVE)
    f["active_start"] = was.astype(np.int64)
    f["active_end"] = (f["movement"] != "churn").astype(np.int64)
    f["mrr_start"] = np.where(was, f["previous_mrr"], 0.0)
    f["new_mrr"] = np.where(f["movement"] == "new", f["mrr"], 0.0)
    f["reactivation_mrr"] = np.where(f["movement"] == "reactivation", f["mrr"], 0.0)
    f["expansion_mrr"] = np.where(f["movement"] == "expansion", f["mrr"] - f["previous_mrr"], 0.0)
    f["contraction_mrr"] = np.where(f["movement"] == "contraction", f["previous_mrr"] - f["mrr"], 0.0)
    f["churned_mrr"] = np.where(f["movement"] == "churn", f["previous_mrr"], 0.0)
    f["mrr_end"] = np.where(f["movement"] != "churn", f["mrr"], 0.0)
    keys = ["report_month", "industry", "size_bucket", "tariff_group"]
    sums = ["active_start", "is_new", "is_reactivation", "is_churn", "active_end", "mrr_start", "new_mrr",
            "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr", "mrr_end"]
    g = f.groupby(keys, sort=True)[sums].sum().reset_index()
    g = g.rename(columns={"is_new": "new", "is_reactivation": "reactivated", "is_churn": "churned"})
    g["logo_churn_pct"] = _pct(g["churned"], g["active_start"])
    g["gross_mrr_churn_pct"] = _pct(g["churned_mrr"] + g["contraction_mrr"], g["mrr_start"])
    g["net_mrr_churn_pct"] = _pct(g["churned_mrr"] + g["contraction_mrr"] - g["expansion_mrr"]
                                  - g["reactivation_mrr"], g["mrr_start"])
    for col in ("mrr_start", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
                "mrr_end"):
        g[col] = g[col].round(6)
    return g[list(CHURN_MONTHLY_COLUMNS)]


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    return (100.0 * num.astype("float64") / den.where(den != 0)).round(6).astype("Float64")


def company_factors(sim: Saas) -> pd.DataFrame:
    """The latent factors the simulation drew per company (the planted causes, and the role mix without one)."""
    return pd.DataFrame({"company_id": sim.company_id, "size_interval": sim.size,
                         "activity_level": np.round(sim.activity, 6), "manager_share": np.round(sim.manager_share, 6),
                         "months_per_payment": sim.months, "has_billing": ~sim.no_billing})


def iso(day: int) -> str:
    """A day number as `YYYY-MM-DD`."""
    return _iso(day)


def _iso(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).isoformat()


DATA_QUALITY_COLUMNS = ("extract", "defect", "rows")
ACTIVITY_COUNTS = ("billing", "stocks", "backups", "projects", "contractors", "resource_orders")
LOAD_DEFECTS = ("superseded_version", "rejected_by_loader")     # per extract, from the delivery


def data_quality(sim: Saas, delivered: dict[tuple[str, str], int]) -> pd.DataFrame:
    """saas_data_quality.csv: the rows of each defect of v_saas_data_quality (the codes of dim_saas_defects).

    The export's defects are counted from the simulation's rows as the warehouse keeps them (each row's last
    version); what the delivery did (versions delivered again, corrupted copies the loader must quarantine)
    comes from `delivered`, (extract, code) → rows, as the saas group planted it (`SaasGroup.delivery_counts`).
    """
    known = set(sim.dicts.industries["working_direction"])
    canonical = [normalised_spelling(s) in known if s else False for s in sim.spelling]
    companies = set(sim.company_id)
    billed = {r.company for r in sim.billing}
    counts = {
        ("billing", "payed_until_before_created_at"): sum(r.last.payed_until < r.created_at for r in sim.billing),
        ("billing", "paid_without_pay_date"): sum(r.last.is_payed and r.last.pay_date is None for r in sim.billing),
        ("billing", "unpaid_invoice"): sum(not r.last.is_payed for r in sim.billing),
        ("billing", "terms_in_comment"): sum(bool(r.last.comment) for r in sim.billing),
        ("companies", "no_billing"): sum(c not in billed for c in range(len(sim.company_id))),
        ("companies", "industry_respelled"): sum(ok and s != name for ok, s, name
                                                 in zip(canonical, sim.spelling, sim.industry)),
        ("companies", "industry_unmapped"): sum(not ok for ok in canonical),
        ("people", "company_missing"): sum(p.company_id not in companies for p in sim.people),
        ("activities", "negative_count"): int((sim.activities[list(ACTIVITY_COUNTS)] < 0).any(axis=1).sum()),
    }
    for extract in ("companies", "people", "billing", "activities"):
        for code in LOAD_DEFECTS:
            counts[(extract, code)] = delivered.get((extract, code), 0)
    rows = sorted((extract, code, int(n)) for (extract, code), n in counts.items())
    return pd.DataFrame(rows, columns=list(DATA_QUALITY_COLUMNS))


def company_roles(sim: Saas) -> pd.DataFrame:
    """v_saas_company_roles: per company of the companies extract and role, its people not deleted (the
    companies view's users_active, split by role); people of companies that do not exist are left out."""
    known = set(sim.company_id)
    pairs = pd.DataFrame([(p.company_id, str(p.role_id)) for p in sim.people
                          if p.deleted_at is None and p.company_id in known], columns=["company_id", "role_id"])
    roles = sim.dicts.roles.assign(role_id=lambda f: f["role_id"].astype(str)).set_index("role_id")["role_name"]
    out = pairs.groupby(["company_id", "role_id"]).size().rename("users_active").reset_index()
    out.insert(2, "role_name", out["role_id"].map(roles))
    return out.sort_values(["company_id", "role_id"], kind="stable").reset_index(drop=True)
