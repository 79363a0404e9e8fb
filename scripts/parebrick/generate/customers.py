"""The subscriber base (billing accounts) that callers and appeals come from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parebrick.generate.dictionaries import Dictionaries
from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.rng import stream

TARIFFS_PER_PRODUCT = 4                  # an account's tariff is `<product>_t1` … `<product>_t4`


@dataclass
class Accounts:
    account_id: np.ndarray      # int64, 10 digits
    customer_id: np.ndarray     # int64
    territory: np.ndarray       # index into dicts.territories
    product: np.ndarray         # index into dicts.products
    activated: np.ndarray       # day number (days since epoch)
    deactivated: np.ndarray     # day number, -1 while active
    by_territory: list[np.ndarray]  # account indexes per territory


def build(dicts: Dictionaries, spec: RunSpec, params: SimParams, start_day: int) -> Accounts:
    rng = stream(spec.seed, "accounts")
    n = max(2000, spec.calls_per_day * params.subscribers_per_daily_call)
    t_n = len(dicts.territories)
    tw = rng.lognormal(0.0, 0.5, t_n)
    territory = np.sort(rng.choice(t_n, n, p=tw / tw.sum()))
    seg = dicts.products["segment"].to_numpy()
    b2b = np.flatnonzero(seg == "b2b")
    b2c = np.flatnonzero(seg != "b2b")
    pw = np.linspace(3.0, 0.5, len(b2c))
    product = np.where(rng.random(n) < 0.08, b2b[rng.integers(0, len(b2b), n)] if len(b2b) else 0,
                       b2c[rng.choice(len(b2c), n, p=pw / pw.sum())])
    shares_prev = (rng.random(n) < 0.15) & (np.r_[False, territory[1:] == territory[:-1]])
    customer_seq = np.cumsum(~shares_prev)
    customer_id = 50_000_000 + customer_seq
    account_id = 3_000_000_000 + np.arange(n, dtype=np.int64) * 7 + rng.integers(0, 7, n)
    months = spec.days / 30.4
    new = rng.random(n) < params.activation_monthly * months
    activated = np.where(new, start_day + rng.integers(0, spec.days, n), start_day - rng.integers(1, 3000, n))
    churn = rng.random(n) < params.churn_monthly * months
    deactivated = np.where(churn, np.maximum(activated + 1, start_day + rng.integers(0, spec.days, n)), -1)
    deactivated = np.where(deactivated >= start_day + spec.days, -1, deactivated)
    by_territory = [np.flatnonzero(territory == t) for t in range(t_n)]
    return Accounts(account_id, customer_id, territory, product, activated, deactivated, by_territory)


def tariff_number(account_id: np.ndarray) -> np.ndarray:
    """The tariff an account was activated on (1 … TARIFFS_PER_PRODUCT): fixed by its id, so billing and the
    campaigns that offer a higher one agree without sharing a draw."""
    return np.asarray(account_id) % TARIFFS_PER_PRODUCT + 1


def tariff_code(product_code: np.ndarray, number: np.ndarray) -> np.ndarray:
    """`<product>_t<number>`, billing's tariff code."""
    return np.char.add(np.char.add(np.asarray(product_code).astype(str), "_t"), np.asarray(number).astype(str))


def concat(*parts: Accounts) -> Accounts:
    """Several account sets as one (the base and the accounts campaigns added), `by_territory` rebuilt."""
    fields = ("account_id", "customer_id", "territory", "product", "activated", "deactivated")
    cols = {f: np.concatenate([getattr(p, f) for p in parts]) for f in fields}
    t_n = len(parts[0].by_territory)
    return Accounts(**cols, by_territory=[np.flatnonzero(cols["territory"] == t) for t in range(t_n)])


def pick(rng: np.random.Generator, acc: Accounts, territory: np.ndarray) -> np.ndarray:
    """A random account in each given territory (index into `acc`)."""
    out = np.zeros(len(territory), dtype=np.int64)
    for t in np.unique(territory):
        m = territory == t
        pool = acc.by_territory[t]
        if not len(pool):
            pool = np.arange(len(acc.account_id))
        out[m] = pool[rng.integers(0, len(pool), m.sum())]
    return out
