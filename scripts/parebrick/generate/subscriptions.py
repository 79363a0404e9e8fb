"""The cloud service of seed 004: companies, their users, invoices, payments and monthly activity, simulated
company by company over the saas span (`SaasParams.years`, ending at the end of the run's last day, UTC).

What is planted (and recorded in `planted_effects`): a company's monthly churn hazard is the base hazard times
multipliers of its size bucket (the smallest churn most), its activity (the least active churn more), its
tariff group and industry, and, once it has renewed a tariff at a raised price (the price list's changes,
`dim_saas_prices.valid_from`), the price-increase ratio. Its role mix (the share of managers among its users)
is drawn and written but has no multiplier. At each renewal an invoice (an unpaid billing row) is created
`invoice_lead_days` before the paid period ends; the company refuses it with probability
1 - (1 - hazard)^months, else pays it on time, late within the grace or late past it. Churners may come back
later (a reactivation: a new paid row). Free months (zero price: a trial, a bonus agreed by a salesperson),
discounts, upgrades and partial payments appear in comments. Nothing happens after the end of the span: an
invoice paid after it is exported unpaid.

Every billing, company and person row keeps its versions (`updated_at`): the extracts (groups/saas.py) cut
them by delivery, and the truth (saas_truth.py) reads each row's last version. Times are Unix seconds, UTC.
Every draw comes from the `saas-*` streams, so the contact-center simulation never changes because of it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from parebrick.generate.dictionaries import SaasDictionaries, normalised_spelling
from parebrick.generate.params import SaasParams
from parebrick.generate.rng import stream

DAY = 86_400
EPOCH = dt.date(1970, 1, 1)
FIRST_COMPANY_ID = 10_001          # company ids: five digits and up, as text
FIRST_USER_ID = 200_001            # user ids: six digits and up, as text
FIRST_BILLING_ID = 1               # billing ids: numbered in the order rows are created
OWNER_ROLE = 1                     # the first user of a company is its owner (dim_saas_roles)
MANAGER_ROLE = 4                   # the role whose share is the role mix: the factor with no effect
OTHER_ROLES = (2, 3, 5, 6, 7, 8)
OTHER_ROLE_P = (0.15, 0.1, 0.15, 0.15, 0.1, 0.35)
# Tariff ids 1..7 drawn at registration by size bucket (1-2, 3-4, 5-6, 7-9): small companies start small.
TARIFF_P = ((0.3, 0.5, 0.15, 0.05, 0.0, 0.0, 0.0), (0.1, 0.45, 0.25, 0.15, 0.05, 0.0, 0.0),
            (0.0, 0.2, 0.25, 0.3, 0.15, 0.07, 0.03), (0.0, 0.0, 0.1, 0.3, 0.25, 0.2, 0.15))
SIZE_ROW = (0, 0, 1, 1, 2, 2, 3, 3, 3)
# App users per company: 1 + Poisson(mean) by size bucket (employees are more; about five users on average).
USERS_EXTRA_MEAN = (0.0, 2.5, 4.5, 6.5, 9.0, 12.0, 16.0, 22.0, 30.0)
# Mean monthly counts of the six activity measures for a company of median activity and one user.
ACTIVITY_BASE = {"billing": 9.0, "stocks": 1.5, "backups": 4.0, "projects": 2.5, "contractors": 6.0,
                 "resource_orders": 5.0}
ACTIVITY_USER_POWER = 0.6          # activity grows with users, slower than linearly
BONUS_TRIAL_COMMENTS = ("пробный период", "бонусный месяц при регистрации")
BONUS_COMMENTS = ("бонусный месяц по согласованию с менеджером", "компенсация: бесплатный месяц за сбой сервиса",
                  "бонус за продление, согласовано с отделом продаж")
DISCOUNT_COMMENTS = ("скидка 10% по договорённости с менеджером", "скидка 15%, согласовано отделом продаж",
                     "скидка 20% за годовую оплату, по договорённости")
EDIT_COMMENTS = ("оплата подтверждена бухгалтерией", "частичная оплата, остаток доплачен позже",
                 "счёт продублирован клиенту на почту, оплачен")
REACTIVATION_COMMENT = "возврат клиента после перерыва"


@dataclass
class Version:
    """One state of a billing row, as of `updated_at`."""

    updated_at: int
    is_payed: bool
    pay_date: int | None
    payed_until: int
    comment: str


@dataclass
class BillingRow:
    id: int
    company: int                 # index into the companies
    user_id: str
    tariff: int
    price_id: int
    created_at: int
    versions: list[Version]
    kind: str                    # paid, bonus, invoice (may be paid later or never), defect (payed_until < created_at)

    @property
    def last(self) -> Version:
        return self.versions[-1]


@dataclass
class Person:
    user_id: str
    company_id: str
    role_id: int
    created_at: int
    deleted_at: int | None       # None: not deleted by the end of the span
    orphan: bool = False         # a person of a company that does not exist (a defect)


@dataclass
class Saas:
    """The simulated cloud service: every row with its history, and what was planted."""

    dicts: SaasDictionaries
    params: SaasParams
    first_day: int               # the span's first day (days since the epoch)
    last_day: int                # the run's last day: nothing happens after its end
    company_id: list[str]
    registered_at: np.ndarray    # seconds
    size: np.ndarray             # employer_count_interval 1..9
    industry: list[str]          # the canonical industry (dim_saas_industries.industry)
    spelling: list[str]          # how sales typed it (working_direction)
    activity: np.ndarray         # latent activity level (median 1)
    manager_share: np.ndarray    # role mix: share of managers among the non-owner users (no effect)
    months: np.ndarray           # the months a company pays for at a time
    no_billing: np.ndarray       # companies without any billing row (a defect)
    tariff_changes: list[list[tuple[int, int]]]    # per company: (time, tariff id), the first at registration
    billing: list[BillingRow]
    people: list[Person]
    activities: pd.DataFrame     # company_id, month (date), the six counts (a few negative: a defect)
    price_increase_at: dict[int, int] = field(default_factory=dict)   # company → time it renewed at a raised price

    @property
    def end_sec(self) -> int:
        """The last second of the span (the export's time)."""
        return (self.last_day + 1) * DAY - 1

    def planted_effects(self) -> dict:
        """What the simulation planted, for the truth and the analyses' tests."""
        p = self.params
        raises = self.dicts.prices[self.dicts.prices["valid_from"] > self.dicts.prices["valid_from"].min()]
        return {
            "span": {"first_day": day_iso(self.first_day), "last_day": day_iso(self.last_day)},
            "hazard": {"base_churn_monthly": p.base_churn_monthly,
                       "size_bucket": dict(zip(range(1, 10), p.size_hazard)),
                       "activity": f"(activity / median) ^ -{p.activity_hazard_power}",
                       "tariff_group": p.group_hazard, "industry": p.industry_hazard,
                       "after_renewal_at_raised_price": p.price_increase_hazard,
                       "role_mix": "none (manager share drawn, no multiplier)"},
            "price_increases": sorted({(int(t), str(d)) for t, d in zip(raises["billing_tariff_id"],
                                                                      raises["valid_from"])}),
            "companies_with_price_increase": len(self.price_increase_at),
        }


def day_iso(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).isoformat()


@lru_cache(maxsize=None)
def add_months(day: int, months: int) -> int:
    """The same day of the month `months` later (the month's last day when it has no such day)."""
    d = EPOCH + dt.timedelta(days=int(day))
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return (dt.date(year, month, min(d.day, last)) - EPOCH).days


class PriceList:
    """Which price-list row a renewal is charged, and its monthly price."""

    def __init__(self, prices: pd.DataFrame) -> None:
        self.monthly = {int(r.billing_tariff_price_id): r.price_rub / r.months for r in prices.itertuples()}
        paid = prices[prices["price_rub"] > 0]
        self._rows = {(int(t), int(m)): sorted(((v - EPOCH).days, int(i)) for v, i in
                                               zip(g["valid_from"], g["billing_tariff_price_id"]))
                      for (t, m), g in paid.groupby(["billing_tariff_id", "months"])}
        zero = prices[prices["price_rub"] == 0]
        self.bonus = {int(t): int(i) for t, i in zip(zero["billing_tariff_id"], zero["billing_tariff_price_id"])}

    def row(self, tariff: int, months: int, day: int) -> int:
        """The price-list row of `tariff` for `months` valid on `day`."""
        valid = [i for start, i in self._rows[(tariff, months)] if start <= day]
        return valid[-1]


def simulate(dicts: SaasDictionaries, params: SaasParams, seed: int, last_day: int) -> Saas:
    """The cloud service over its span, ending at the end of `last_day`."""
    first_day = last_day - round(params.years * 365.25) + 1
    n = params.companies
    rng = stream(seed, "saas-companies")
    # Registrations grow exponentially over the span (`growth`: last month over first).
    k = math.log(params.growth)
    u = rng.random(n)
    span_sec = (last_day - first_day + 1) * DAY
    frac = np.log1p(u * (math.exp(k) - 1)) / k if k else u
    registered = np.sort(first_day * DAY + (frac * (span_sec - 2 * DAY)).astype(np.int64))
    size = rng.choice(np.arange(1, 10), n, p=np.array(params.size_share) / sum(params.size_share))
    industries = dicts.industries
    canon = sorted(set(industries["industry"]))
    industry_idx = rng.integers(0, len(canon), n)
    activity = np.exp(rng.normal(0.0, params.activity_sd, n))
    manager_share = rng.beta(2.0, 5.0, n)
    month_opts = np.array(list(params.months_share))
    months = rng.choice(month_opts, n, p=np.array(list(params.months_share.values())))
    no_billing = rng.random(n) < params.no_billing_share
    spell_rng = stream(seed, "saas-spellings")
    industry = [canon[i] for i in industry_idx]
    spellings = {name: g.tolist() for name, g in industries.groupby("industry")["working_direction"]}
    spelling = [_respell(spell_rng, name, spellings[name], params.respelled_industry_share) for name in industry]
    company_id = [str(FIRST_COMPANY_ID + i) for i in range(n)]
    sim = Saas(dicts, params, first_day, last_day, company_id, registered, size, industry, spelling, activity,
               manager_share, months, no_billing, [], [], [], pd.DataFrame())
    sim.people = _people(sim, stream(seed, "saas-people"))
    owners = {}
    for person in sim.people:
        owners.setdefault(person.company_id, person.user_id)
    _billing(sim, stream(seed, "saas-billing"), [owners[c] for c in company_id])
    sim.activities = _activities(sim, stream(seed, "saas-activities"))
    return sim


def _respell(rng: np.random.Generator, industry: str, spellings: list[str], share: float) -> str:
    """An industry as sales typed it: its own name, or (a share) any of its spellings in dim_saas_industries with
    the case and spacing varied."""
    if rng.random() >= share:
        return industry
    text = spellings[int(rng.integers(0, len(spellings)))]
    style = int(rng.integers(0, 4))
    text = (text.upper(), text.lower(), text.title(), text[:1].upper() + text[1:])[style]
    if rng.random() < 0.5:
        text = text.replace(" ", "  ", 1) if " " in text else " " + text
    if rng.random() < 0.3:
        text += " "
    assert normalised_spelling(text) in spellings
    return text


def _people(sim: Saas, rng: np.random.Generator) -> list[Person]:
    """The users of each company (the owner first), some deleted later, and a few of no existing company."""
    p, end = sim.params, sim.end_sec
    people: list[Person] = []
    next_user = FIRST_USER_ID
    for c in range(len(sim.company_id)):
        reg = int(sim.registered_at[c])
        extra = int(rng.poisson(USERS_EXTRA_MEAN[sim.size[c] - 1]))
        for j in range(1 + extra):
            created = reg + 60 if j == 0 else reg + int(rng.exponential(60 * DAY))
            if created > end:
                continue
            role = OWNER_ROLE if j == 0 else (MANAGER_ROLE if rng.random() < sim.manager_share[c]
                                              else int(rng.choice(OTHER_ROLES, p=OTHER_ROLE_P)))
            deleted = None
            if j > 0:
                at = created + int(rng.exponential(365 * DAY / p.user_delete_yearly))
                deleted = at if at <= end else None
            people.append(Person(str(next_user), sim.company_id[c], role, created, deleted))
            next_user += 1
    # People of companies that do not exist: companies deleted from the product database, their users kept.
    gone = FIRST_COMPANY_ID + len(sim.company_id) + 1
    for k in range(p.orphan_people_rows):
        created = sim.first_day * DAY + int(rng.integers(0, (sim.last_day - sim.first_day) * DAY))
        people.append(Person(str(next_user), str(gone + k // 3), int(rng.choice(OTHER_ROLES, p=OTHER_ROLE_P)),
                             created, None, orphan=True))
        next_user += 1
    return people


def _hazard(sim: Saas, c: int, group: str, raised: bool) -> float:
    p = sim.params
    h = (p.base_churn_monthly * p.size_hazard[sim.size[c] - 1] * sim.activity[c] ** -p.activity_hazard_power
         * p.group_hazard[group] * p.industry_hazard.get(sim.industry[c], 1.0))
    if raised:
        h *= p.price_increase_hazard
    return min(h, 0.6)


class _Ledger:
    """The billing rows being written, numbered in the order they are created (ids increase with time)."""

    def __init__(self) -> None:
        self.rows: list[BillingRow] = []

    def add(self, row: BillingRow) -> BillingRow:
        self.rows.append(row)
        return row

    def numbered(self) -> list[BillingRow]:
        order = sorted(range(len(self.rows)), key=lambda i: (self.rows[i].created_at, i))
        out = []
        for k, i in enumerate(order):
            row = self.rows[i]
            row.id = FIRST_BILLING_ID + k
            out.append(row)
        return out


def _billing(sim: Saas, rng: np.random.Generator, owner: list[str]) -> None:
    """Every company's billing rows, renewal by renewal, up to the end of the span."""
    p, end = sim.params, sim.end_sec
    prices = PriceList(sim.dicts.prices)
    group_of = dict(zip(sim.dicts.tariffs["billing_tariff_id"], sim.dicts.tariffs["tariff_group"]))
    name_of = dict(zip(sim.dicts.tariffs["billing_tariff_id"], sim.dicts.tariffs["tariff_name"]))
    top = int(sim.dicts.tariffs["billing_tariff_id"].max())
    ledger = _Ledger()
    sim.tariff_changes = []
    for c in range(len(sim.company_id)):
        reg = int(sim.registered_at[c])
        tariff = int(rng.choice(np.arange(1, 8), p=TARIFF_P[SIZE_ROW[sim.size[c] - 1]]))
        changes = [(reg, tariff)]
        sim.tariff_changes.append(changes)
        if sim.no_billing[c]:
            continue
        m = int(sim.months[c])
        last_monthly: dict[int, float] = {}      # tariff → monthly price of its latest non-free paid row
        raised = False

        def paid_row(created: int, pay: int, until_day: int, price_id: int, comment: str, kind: str,
                     invoice: Version | None = None) -> BillingRow:
            versions = [invoice] if invoice else []
            versions.append(Version(pay, True, pay, until_day * DAY, comment))
            row = ledger.add(BillingRow(0, c, owner[c], tariff, price_id, created, versions, kind))
            _maybe_edit(row, rng, p.comment_edit_share, end)
            return row

        def charge(price_id: int) -> None:
            """Note the monthly price paid for `tariff`; a raise over its previous paid row marks the company."""
            nonlocal raised
            monthly = prices.monthly[price_id]
            if monthly > 0:
                if tariff in last_monthly and monthly > last_monthly[tariff] and c not in sim.price_increase_at:
                    raised = True
                    sim.price_increase_at[c] = current_pay
                last_monthly[tariff] = monthly

        # The first coverage: a free trial month, or a paid period, from the day of registration.
        start = reg + int(rng.integers(120, 3 * 3600))
        current_pay = start
        if rng.random() < p.trial_bonus_share:
            until = add_months(start // DAY, 1)
            paid_row(start, start, until, prices.bonus[tariff], str(rng.choice(BONUS_TRIAL_COMMENTS)), "bonus")
            period = 1
        else:
            price_id = prices.row(tariff, m, start // DAY)
            until = add_months(start // DAY, m)
            charge(price_id)
            paid_row(start, start, until, price_id, _discount(rng, p.discount_comment_share), "paid")
            period = m
        while True:
            invoice_at = until * DAY - p.invoice_lead_days * DAY + int(rng.integers(3 * 3600, 20 * 3600))
            if invoice_at > end:
                break
            group = group_of[tariff]
            hazard = _hazard(sim, c, group, raised)
            churns = rng.random() < 1.0 - (1.0 - hazard) ** period
            # A tariff change takes effect with the renewal and is noted in its comment.
            comment = ""
            new_tariff = tariff
            if rng.random() < 1.0 - (1.0 - p.upgrade_monthly) ** period and tariff < top:
                new_tariff = tariff + 1
                comment = f"апгрейд: переход с тарифа «{name_of[tariff]}» на «{name_of[new_tariff]}»"
            elif rng.random() < 1.0 - (1.0 - p.downgrade_monthly) ** period and tariff > 1:
                new_tariff = tariff - 1
                comment = f"переход с тарифа «{name_of[tariff]}» на «{name_of[new_tariff]}» по просьбе клиента"
            if churns:
                comment = ""
            elif new_tariff != tariff:
                tariff = new_tariff
                changes.append((invoice_at, tariff))
            price_id = prices.row(tariff, m, invoice_at // DAY)
            unpaid = Version(invoice_at, False, None, add_months(until, m) * DAY, comment)
            if churns:
                ledger.add(BillingRow(0, c, owner[c], tariff, price_id, invoice_at, [unpaid], "invoice"))
                back = _reactivation(rng, p.reactivation_share, until)
                if back is None or back * DAY > end:
                    break
                tariff = int(rng.choice(np.arange(1, 8), p=TARIFF_P[SIZE_ROW[sim.size[c] - 1]]))
                pay = back * DAY + int(rng.integers(6 * 3600, 18 * 3600))
                if pay > end:
                    break
                changes.append((pay, tariff))
                price_id = prices.row(tariff, m, back)
                current_pay = pay
                charge(price_id)
                until = add_months(back, m)
                paid_row(pay, pay, until, price_id, REACTIVATION_COMMENT, "paid")
                period = m
                continue
            lateness = rng.random()
            if lateness < p.late_past_grace_share:
                pay = until * DAY + int(rng.integers(31, 91)) * DAY + int(rng.integers(6 * 3600, 18 * 3600))
            elif lateness < p.late_past_grace_share + p.late_within_grace_share:
                pay = until * DAY + int(rng.integers(1, 31)) * DAY + int(rng.integers(6 * 3600, 18 * 3600))
            else:
                pay = invoice_at + int(rng.integers(600, p.invoice_lead_days * DAY - 600))
            if pay > end:            # paid after the export: it is still an invoice in every extract
                ledger.add(BillingRow(0, c, owner[c], tariff, price_id, invoice_at, [unpaid], "invoice"))
                break
            current_pay = pay
            charge(price_id)
            if not comment:
                comment = _discount(rng, p.discount_comment_share)
            until = add_months(max(until, pay // DAY), m)
            paid_row(invoice_at, pay, until, price_id, comment, "paid", invoice=unpaid)
            period = m
            if rng.random() < p.bonus_month_share:
                at = until * DAY - int(rng.integers(1, 4)) * DAY + int(rng.integers(6 * 3600, 18 * 3600))
                if at > end:
                    break
                until = add_months(until, 1)
                paid_row(at, at, until, prices.bonus[tariff], str(rng.choice(BONUS_COMMENTS)), "bonus")
                period = m + 1
    _defect_rows(sim, rng, ledger, prices)
    sim.billing = ledger.numbered()


def _maybe_edit(row: BillingRow, rng: np.random.Generator, share: float, end: int) -> None:
    """Some rows get a comment added days later: a new version with a newer `updated_at`."""
    if rng.random() >= share:
        return
    last = row.last
    at = last.updated_at + int(rng.integers(1, 21)) * DAY + int(rng.integers(0, 8 * 3600))
    if at > end:
        return
    note = str(rng.choice(EDIT_COMMENTS))
    row.versions.append(Version(at, last.is_payed, last.pay_date, last.payed_until,
                                f"{last.comment}; {note}" if last.comment else note))


def _discount(rng: np.random.Generator, share: float) -> str:
    return str(rng.choice(DISCOUNT_COMMENTS)) if rng.random() < share else ""


def _reactivation(rng: np.random.Generator, share: float, until: int) -> int | None:
    """The day a churner comes back (1-14 months after its paid period ended), or None."""
    if rng.random() >= share:
        return None
    return until + int(rng.integers(35, 425))


def _defect_rows(sim: Saas, rng: np.random.Generator, ledger: _Ledger, prices: PriceList) -> None:
    """Billing rows whose payed_until is before created_at (SOURCES.md): paid, but covering nothing."""
    with_rows = sorted({row.company for row in ledger.rows})
    for k in range(sim.params.payed_until_before_created_rows):
        c = with_rows[int(rng.integers(0, len(with_rows)))]
        mine = [row for row in ledger.rows if row.company == c]
        base = mine[int(rng.integers(0, len(mine)))]
        created = base.created_at + int(rng.integers(3600, 5 * DAY))
        created = min(created, sim.end_sec - 120)
        until = created // DAY - int(rng.integers(1, 400))
        ledger.add(BillingRow(0, c, base.user_id, base.tariff, base.price_id, created,
                              [Version(created, True, created + 60, until * DAY, "")], "defect"))


def _activities(sim: Saas, rng: np.random.Generator) -> pd.DataFrame:
    """The six monthly counts of each company in the months its paid periods touch, up to the last complete
    month before the export; a few counts are negative (a defect of the real export)."""
    last_month = month_start(sim.last_day + 1)      # the first month not exported (the incomplete one)
    users = pd.Series([p.company_id for p in sim.people if not p.orphan]).value_counts()
    spans: dict[int, list[tuple[int, int]]] = {}
    for row in sim.billing:
        v = row.last
        if v.is_payed and v.pay_date is not None and v.payed_until > v.pay_date:
            spans.setdefault(row.company, []).append((v.pay_date // DAY, v.payed_until // DAY))
    out: dict[str, list] = {"company_id": [], "month": [], **{k: [] for k in ACTIVITY_BASE}}
    for c in sorted(spans):
        months = set()
        for start, stop in spans[c]:
            m = month_start(start)
            while m < stop and m < last_month:
                months.add(m)
                m = add_months(m, 1)
        scale = sim.activity[c] * users.get(sim.company_id[c], 1) ** ACTIVITY_USER_POWER
        for m in sorted(months):
            out["company_id"].append(sim.company_id[c])
            out["month"].append(m)
            for name, base in ACTIVITY_BASE.items():
                out[name].append(int(rng.poisson(base * scale)))
    frame = pd.DataFrame(out)
    bad = np.flatnonzero(rng.random(len(frame)) < sim.params.negative_activity_share)
    names = list(ACTIVITY_BASE)
    for i in bad:
        frame.loc[i, names[int(rng.integers(0, len(names)))]] = -int(rng.integers(1, 6))
    frame.attrs["negative_rows"] = len(bad)
    return frame


@lru_cache(maxsize=None)
def month_start(day: int) -> int:
    d = EPOCH + dt.timedelta(days=int(day))
    return (d.replace(day=1) - EPOCH).days
