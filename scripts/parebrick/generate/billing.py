"""Billing charges and payments (`models/staging/brm/_brm__sources.yml`), drawn for the simulation's accounts.

Charges: every account active on any day of a month is charged its monthly `subscription` for that month;
some also `equipment_rent`, `extra_services` and `usage`, and a few a one-off `installation` in the month
they were activated. The key (account_id, period_month, charge_type) is unique. One file per month.
Payments: most accounts pay once a month, a few twice or not at all; payment ids are unique and increase
with time; one file per month of `paid_at` (ISO 8601, Moscow offset, like the accounts extract).
Amounts are in roubles with two decimals; tariffs differ by product and account.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate.csvout import date_str, decimal_str, ts_sec
from parebrick.generate.customers import Accounts
from parebrick.generate.rng import stream

CHARGE_TYPES = ("subscription", "equipment_rent", "extra_services", "usage", "installation")
CHARGE_SHARE = {"equipment_rent": 0.35, "extra_services": 0.22, "usage": 0.4}
METHODS = np.array(["card", "autopay", "sbp", "bank_transfer", "cash"])
METHOD_P = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
MSK = 3 * 3600


def months_of(start_day: int, days: int) -> list[tuple[str, int, int]]:
    """(`YYYY-MM`, first day, last day) of every month the simulated period touches (days since epoch)."""
    first = pd.Timestamp("1970-01-01") + pd.Timedelta(days=start_day)
    last = first + pd.Timedelta(days=days - 1)
    out = []
    for p in pd.period_range(first, last, freq="M"):
        d0 = (p.start_time - pd.Timestamp("1970-01-01")).days
        d1 = (p.end_time.normalize() - pd.Timestamp("1970-01-01")).days
        out.append((str(p), int(d0), int(d1)))
    return out


def charges(acc: Accounts, seed: int, start_day: int, days: int, b2b: np.ndarray,
            stream_name: str = "charges") -> list[tuple[str, dict, int]]:
    """(month, columns, rows) per month: the month's charges of the accounts active in it (drawn from the
    stream `stream_name`: the accounts campaigns opened are charged from their own, the base's unchanged)."""
    rng = stream(seed, stream_name)
    fee = np.round(np.where(b2b[acc.product], rng.uniform(1500, 9000, len(acc.account_id)),
                            rng.uniform(350, 1200, len(acc.account_id))), 0)
    out = []
    for month, d0, d1 in months_of(start_day, days):
        active = np.flatnonzero((acc.activated <= d1) & ((acc.deactivated < 0) | (acc.deactivated >= d0)))
        rows_acct, rows_type, rows_amt = [active], [np.zeros(len(active), dtype=np.int64)], [fee[active]]
        for k, name in enumerate(CHARGE_TYPES[1:4], start=1):
            m = active[rng.random(len(active)) < CHARGE_SHARE[name]]
            base = {"equipment_rent": 150.0, "extra_services": 199.0, "usage": 120.0}[name]
            rows_acct.append(m)
            rows_type.append(np.full(len(m), k))
            rows_amt.append(np.round(rng.gamma(2.0, base / 2.0, len(m)), 2) + 0.01)
        new = active[(acc.activated[active] >= d0) & (acc.activated[active] <= d1)]
        rows_acct.append(new)
        rows_type.append(np.full(len(new), 4))
        rows_amt.append(np.full(len(new), 990.0))
        a, t, amt = np.concatenate(rows_acct), np.concatenate(rows_type), np.concatenate(rows_amt)
        order = np.lexsort((t, acc.account_id[a]))
        a, t, amt = a[order], t[order], amt[order]
        cols = {"account_id": acc.account_id[a], "period_month": np.full(len(a), month),
                "charge_type": np.array(CHARGE_TYPES)[t], "amount_rub": decimal_str(amt)}
        out.append((month, cols, len(a)))
    return out


def payments(acc: Accounts, seed: int, start_day: int, days: int) -> list[tuple[str, dict, int]]:
    """(month, columns, rows) per month of `paid_at` within the simulated period."""
    rng = stream(seed, "payments")
    end_day = start_day + days
    active = np.flatnonzero((acc.activated < end_day) & ((acc.deactivated < 0) | (acc.deactivated >= start_day)))
    per_month = days / 30.4
    count = rng.poisson(per_month * 0.95, len(active))
    a = np.repeat(active, count)
    lo = np.maximum(acc.activated[a], start_day)
    hi = np.where(acc.deactivated[a] >= 0, np.minimum(acc.deactivated[a] + 1, end_day), end_day)
    keep = hi > lo
    a, lo, hi = a[keep], lo[keep], hi[keep]
    day = lo + (rng.random(len(a)) * (hi - lo)).astype(np.int64)
    sec = day * 86400 + rng.integers(7 * 3600, 23 * 3600, len(a)) - MSK   # 07:00–23:00 Moscow, as UTC
    amount = np.round(rng.choice([300, 500, 700, 1000, 1500, 2000, 3000, 5000], len(a)) +
                      np.where(rng.random(len(a)) < 0.4, rng.uniform(0, 500, len(a)), 0), 2)
    method = METHODS[rng.choice(len(METHODS), len(a), p=METHOD_P)]
    order = np.lexsort((acc.account_id[a], sec))
    a, sec, amount, method = a[order], sec[order], amount[order], method[order]
    pid = 700_000_001 + np.arange(len(a), dtype=np.int64)
    msk_month = np.asarray(pc.utf8_slice_codeunits(date_str((sec + MSK) // 86400), 0, 7).to_pylist(), dtype=object)
    paid = _iso_msk(sec)
    out = []
    for month in sorted(set(msk_month)):
        m = msk_month == month
        cols = {"payment_id": pid[m], "account_id": acc.account_id[a[m]], "paid_at": paid.filter(pa.array(m)),
                "amount_rub": decimal_str(amount[m]), "method": method[m]}
        out.append((str(month), cols, int(m.sum())))
    return out


def _iso_msk(sec: np.ndarray) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SS+03:00` (Moscow) from epoch seconds UTC, the form of the accounts extract."""
    return pc.binary_join_element_wise(ts_sec(sec + MSK, sep="T"), pa.scalar("+03:00"), "")
