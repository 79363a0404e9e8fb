"""brm: the billing exports: accounts, charges and payments (`models/staging/brm/_brm__sources.yml`).
ISO 8601 times with the Moscow offset.

Accounts: a snapshot of the accounts active at the start, then one delta with the period's activations and
closures (accounts re-delivered closed with a newer `updated_at`: the source's own history). Delivery defect:
after the delta, some closed accounts' old rows are re-sent with their older `updated_at`, which must not win.
Charges and payments: one file per month (billing.py).
The contracts of the CRM's campaigns (campaigns.py) are billing's too: a cross-sell opens a new account
(in the snapshot when activated before the period, in the delta otherwise, after the base's rows: their ids are
higher), charged from the month it opens; an upsell re-delivers the account on the offered tariff in the delta,
after the rows above, with `updated_at` at the change (the campaigns' span starts before the period, so some
changes are dated before it; the snapshot keeps the version the account was activated with).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate import billing
from parebrick.generate.csvout import date_str, table_of, ts_sec
from parebrick.generate.customers import Accounts, tariff_code, tariff_number
from parebrick.generate.delivery import Defect, Delivered, Extract, day_stamp
from parebrick.generate.groups.base import SourceGroup
from parebrick.generate.rng import stream
from parebrick.generate.simulation import DAY_SEC, HOUR_SEC, Simulation

MSK_OFFSET = "+03:00"                    # billing writes Moscow wall time with its offset
# `updated_at` (Moscow time) of a snapshot row: within the hour after noon of the account's activation day.
SNAPSHOT_UPDATED_SEC = 12 * HOUR_SEC
# `updated_at` of a delta row: 13:53:20 on the day of the change, after that day's snapshot stamps, so a delta
# row is newer than every snapshot row of its account.
DELTA_UPDATED_SEC = 50_000
# A stale re-sent row is stamped a second after the snapshot hour starts: older than the account's delta row.
STALE_UPDATED_SEC = SNAPSHOT_UPDATED_SEC + 1


class BrmGroup(SourceGroup):
    name = "brm"
    time_zone = ("brm", "ISO 8601 with +03:00")

    def __init__(self, sim: Simulation) -> None:
        super().__init__(sim)
        acc = sim.accounts
        self.t_code = sim.dicts.territories["territory_code"].to_numpy()
        self.p_code = sim.dicts.products["product_code"].to_numpy()
        self.delta_name = f"accounts_{day_stamp(sim.start_day + sim.spec.days - 1)}_delta"
        self.changed = np.flatnonzero((acc.activated >= sim.start_day) | (acc.deactivated >= 0))

    def period_extracts(self) -> Iterator[Extract]:
        yield self._snapshot()
        yield self._delta()
        b2b = self.sim.dicts.products["segment"].to_numpy() == "b2b"
        spec, start = self.sim.spec, self.sim.start_day
        opened = {month: cols for month, cols, _ in billing.charges(self.sim.campaigns.new_accounts, spec.seed, start,
                                                                     spec.days, b2b, "campaign-charges")}
        for month, cols, _ in billing.charges(self.sim.accounts, spec.seed, start, spec.days, b2b):
            rows = table_of(cols)
            if month in opened:
                rows = _concat([rows, table_of(opened[month])])
            yield Extract(self.name, "charges", f"charges_{month.replace('-', '')}", rows)
        for month, cols, _ in billing.payments(self.sim.accounts, spec.seed, start, spec.days):
            yield Extract(self.name, "payments", f"payments_{month.replace('-', '')}", table_of(cols))

    def _snapshot(self) -> Extract:
        """The accounts activated before the period, as they were at its start (all active)."""
        acc, start = self.sim.accounts, self.sim.start_day
        rng = stream(self.sim.spec.seed, "accounts-files")
        old = np.flatnonzero(acc.activated < start)
        updated = acc.activated[old] * DAY_SEC + SNAPSHOT_UPDATED_SEC + rng.integers(0, HOUR_SEC, len(old))
        rows = self._accounts(old, np.full(len(old), -1), updated)
        new = self.sim.campaigns.new_accounts
        opened = np.flatnonzero(new.activated < start)
        if len(opened):
            stamps = stream(self.sim.spec.seed, "campaign-accounts-files").integers(0, HOUR_SEC, len(opened))
            rows = _concat([rows, self._accounts(opened, np.full(len(opened), -1),
                                                          new.activated[opened] * DAY_SEC + SNAPSHOT_UPDATED_SEC
                                                          + stamps, new)])
        return Extract(self.name, "accounts", f"accounts_{day_stamp(start - 1)}_full", rows)

    def _delta(self) -> Extract:
        """Every account activated or closed in the period, as it is at the end."""
        acc, idx = self.sim.accounts, self.changed
        changed_on = np.where(acc.deactivated[idx] >= 0, acc.deactivated[idx], acc.activated[idx])
        rows = self._accounts(idx, acc.deactivated[idx], changed_on * DAY_SEC + DELTA_UPDATED_SEC)
        closed = acc.deactivated[idx] >= 0
        reclosed = int(closed.sum() - (closed & (acc.activated[idx] >= self.sim.start_day)).sum())
        new = self.sim.campaigns.new_accounts
        opened = np.flatnonzero(new.activated >= self.sim.start_day)
        changes = self.sim.campaigns.tariff_changes
        moved = changes["account"].to_numpy()
        rows = _concat([
            rows, self._accounts(opened, np.full(len(opened), -1), new.activated[opened] * DAY_SEC + DELTA_UPDATED_SEC,
                                 new),
            self._accounts(moved, np.full(len(moved), -1), changes["change_sec"].to_numpy(),
                           tariff=changes["tariff_number"].to_numpy())])
        return Extract(self.name, "accounts", self.delta_name, rows, defects=(
            Defect("redelivered_newer", "accounts", self.delta_name, reclosed + len(moved),
                   f"accounts re-delivered with a newer updated_at: {reclosed} closed, {len(moved)} moved to "
                   "another tariff"),))

    def plant(self, extract: Extract) -> Iterator[Delivered]:
        yield extract.delivered()
        if extract.name == self.delta_name:
            yield from self._stale_resend()

    def _stale_resend(self) -> Iterator[Delivered]:
        """Old, active versions of a few accounts that closed in the period, re-sent after the delta."""
        acc = self.sim.accounts
        churned_old = np.flatnonzero((acc.deactivated >= 0) & (acc.activated < self.sim.start_day))
        churned_old = churned_old[:self.sim.params.stale_account_rows]
        if not len(churned_old):
            return
        rows = self._accounts(churned_old, np.full(len(churned_old), -1),
                              acc.activated[churned_old] * DAY_SEC + STALE_UPDATED_SEC)
        name = f"accounts_{day_stamp(self.sim.start_day + self.sim.spec.days)}_resend"
        stale = Defect("stale_redelivery", "accounts", name, rows.num_rows,
                       "old versions re-sent after the delta (older updated_at must not win)")
        yield Extract(self.name, "accounts", name, rows, defects=(stale,)).delivered()

    def _accounts(self, idx: np.ndarray, deactivated: np.ndarray, updated_sec: np.ndarray, acc: Accounts | None = None,
                  tariff: np.ndarray | None = None) -> pa.Table:
        """Account rows for the accounts `idx` of `acc` (the base by default), closed on `deactivated` (-1:
        active), stamped `updated_sec`, on their activation tariff unless `tariff` (numbers) says otherwise."""
        acc = self.sim.accounts if acc is None else acc
        product = self.p_code[acc.product[idx]]
        tariff = tariff_code(product, tariff_number(acc.account_id[idx]) if tariff is None else tariff)
        updated = pc.binary_join_element_wise(ts_sec(updated_sec, sep="T"), pa.scalar(MSK_OFFSET), "")
        return table_of({"account_id": acc.account_id[idx], "customer_id": acc.customer_id[idx],
                         "territory_code": self.t_code[acc.territory[idx]], "product_code": product,
                         "tariff_code": tariff, "activated_at": date_str(acc.activated[idx]),
                         "deactivated_at": date_str(np.maximum(deactivated, 0), missing=deactivated < 0),
                         "status": np.where(deactivated >= 0, "closed", "active"), "updated_at": updated})


def _concat(tables: list[pa.Table]) -> pa.Table:
    """Tables of the same columns as one, typed like the first (an empty part has null-typed columns)."""
    return pa.concat_tables([tables[0]] + [t.cast(tables[0].schema) for t in tables[1:]])
