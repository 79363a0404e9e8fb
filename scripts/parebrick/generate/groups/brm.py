"""brm: the billing exports: accounts, charges and payments (`models/staging/brm/_brm__sources.yml`).
ISO 8601 times with the Moscow offset.

Accounts: a snapshot of the accounts active at the start, then one delta with the period's activations and
closures (accounts re-delivered closed with a newer `updated_at`: the source's own history). Delivery defect:
after the delta, some closed accounts' old rows are re-sent with their older `updated_at`, which must not win.
Charges and payments: one file per month (billing.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parebrick.generate import billing
from parebrick.generate.csvout import date_str, table_of, ts_sec
from parebrick.generate.customers import tariff_code, tariff_number
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
        for month, cols, _ in billing.charges(self.sim.accounts, spec.seed, start, spec.days, b2b):
            yield Extract(self.name, "charges", f"charges_{month.replace('-', '')}", table_of(cols))
        for month, cols, _ in billing.payments(self.sim.accounts, spec.seed, start, spec.days):
            yield Extract(self.name, "payments", f"payments_{month.replace('-', '')}", table_of(cols))

    def _snapshot(self) -> Extract:
        """The accounts activated before the period, as they were at its start (all active)."""
        acc, start = self.sim.accounts, self.sim.start_day
        rng = stream(self.sim.spec.seed, "accounts-files")
        old = np.flatnonzero(acc.activated < start)
        updated = acc.activated[old] * DAY_SEC + SNAPSHOT_UPDATED_SEC + rng.integers(0, HOUR_SEC, len(old))
        return Extract(self.name, "accounts", f"accounts_{day_stamp(start - 1)}_full",
                       self._accounts(old, np.full(len(old), -1), updated))

    def _delta(self) -> Extract:
        """Every account activated or closed in the period, as it is at the end."""
        acc, idx = self.sim.accounts, self.changed
        changed_on = np.where(acc.deactivated[idx] >= 0, acc.deactivated[idx], acc.activated[idx])
        rows = self._accounts(idx, acc.deactivated[idx], changed_on * DAY_SEC + DELTA_UPDATED_SEC)
        closed = acc.deactivated[idx] >= 0
        reclosed = int(closed.sum() - (closed & (acc.activated[idx] >= self.sim.start_day)).sum())
        return Extract(self.name, "accounts", self.delta_name, rows, defects=(
            Defect("redelivered_newer", "accounts", self.delta_name, reclosed,
                   "accounts re-delivered closed with a newer updated_at"),))

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

    def _accounts(self, idx: np.ndarray, deactivated: np.ndarray, updated_sec: np.ndarray) -> pa.Table:
        """Account rows for the accounts `idx`, closed on `deactivated` (-1: active), stamped `updated_sec`."""
        acc = self.sim.accounts
        product = self.p_code[acc.product[idx]]
        tariff = tariff_code(product, tariff_number(acc.account_id[idx]))
        updated = pc.binary_join_element_wise(ts_sec(updated_sec, sep="T"), pa.scalar(MSK_OFFSET), "")
        return table_of({"account_id": acc.account_id[idx], "customer_id": acc.customer_id[idx],
                         "territory_code": self.t_code[acc.territory[idx]], "product_code": product,
                         "tariff_code": tariff, "activated_at": date_str(acc.activated[idx]),
                         "deactivated_at": date_str(np.maximum(deactivated, 0), missing=deactivated < 0),
                         "status": np.where(deactivated >= 0, "closed", "active"), "updated_at": updated})
