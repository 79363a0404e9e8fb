"""Ground truth of `v_appeal_funnel_monthly` (docs/metrics.md), from the simulated appeals and accounts.

Grain: report month × territory × product × service, one row for every combination with at least one
appeal. Where docs/metrics.md leaves room, the truth decides as follows (truth/README.md repeats this):

  * Each appeal is counted once, in its final state: planted duplicates, malformed copies and the earlier
    interim version of a re-delivered appeal are not appeals of their own.
  * `report_month` (`YYYY-MM`): the month of the appeal's `created_at` in its territory's local time (the
    territories dictionary's UTC offset), like every report date of docs/metrics.md.
  * `territory_code`, `product_code`, `service_code`: the appeal's own columns (territory and product are
    those of the appeal's `account_id`).
  * `active_subscribers`: billing accounts of the territory × product active on at least one local day of
    the month: activated on or before its last day, and not deactivated before its first day (latest account
    version). The accounts campaign contracts opened (campaigns.py) are billing accounts like the others. It belongs to territory × product, so it repeats on every service row; it is 0 when customers
    outside the active base appealed (churned before the month, activated after it), and then
    `appeals_per_1000_subscribers` is NULL.
  * `appealing_customers`: distinct `customer_id` among the row's appeals.
  * `appeals`: appeals of any channel.
  * `appeals_per_1000_subscribers`: 1000 × appeals / active_subscribers, NULL when that is 0.
  * `handled`: appeals that rest on a handled contact — call appeals whose `contact_ref` is the
    `sessionID` of a handled contact (the reconciliation's match rule), plus chat appeals (the CRM registers
    a chat appeal only for a chat an operator served, with the chat id in `contact_ref`). Email, office and
    web appeals have no contact and are never `handled`. Counted in appeals, so `handled ≤ appeals`.
  * `resolved`: appeals whose final status is `resolved` or `closed`.
  * `resolved_first_contact`: resolved appeals with no further appeal (any channel, any status) from the
    same `customer_id` in the same `category` created within `fcr_window_days` (7) after it: a later
    appeal B repeats A when 0 ≤ B.created_at − A.created_at ≤ 7 × 86,400 s (B after A in (created_at,
    appeal_id) order). A repeat at exactly 7 days breaks FCR; one a second later does not. The later
    appeal may fall in another month, territory row or service; it still breaks A's FCR.
  * `fcr_pct`: 100 × resolved_first_contact / resolved, NULL when nothing was resolved.
  Means and percentages are rounded to 6 decimals; empty = NULL in the CSV.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from parebrick.generate.crm import FCR_WINDOW_SEC
from parebrick.generate.csvout import date_str
from parebrick.generate.customers import Accounts

FUNNEL_COLUMNS = ("report_month", "territory_code", "product_code", "service_code", "active_subscribers",
                  "appealing_customers", "appeals", "appeals_per_1000_subscribers", "handled", "resolved",
                  "resolved_first_contact", "fcr_pct")
KEEP = ("appeal_id", "created_utc", "customer_id", "territory_code", "product_code", "service_code", "category",
        "status", "handled", "channel")


class Funnel:
    """Collects every appeal's final state during the run; `frame()` computes the view."""

    def __init__(self, territories: pd.DataFrame, products: pd.DataFrame, accounts: Accounts) -> None:
        self.offset = dict(zip(territories["territory_code"], territories["utc_offset_hours"].astype(int)))
        self.t_code = territories["territory_code"].to_numpy()
        self.p_code = products["product_code"].to_numpy()
        self.acc = accounts
        self.parts: list[pd.DataFrame] = []

    def add_appeals(self, appeals: dict) -> None:
        """The day's appeals with their final status (`status`) and `handled` flag."""
        self.parts.append(pd.DataFrame({k: appeals[k] for k in KEEP}))

    def appeals(self) -> pd.DataFrame:
        """Every appeal once, with `repeat_within_window` (a further appeal breaks its FCR)."""
        a = pd.concat(self.parts, ignore_index=True)
        a = a.sort_values(["customer_id", "category", "created_utc", "appeal_id"], kind="stable")
        cust, cat, created = (a[c].to_numpy() for c in ("customer_id", "category", "created_utc"))
        same_next = np.r_[(cust[1:] == cust[:-1]) & (cat[1:] == cat[:-1]), False]
        gap_next = np.r_[created[1:] - created[:-1], np.iinfo(np.int64).max]
        a["repeat_within_window"] = same_next & (gap_next <= FCR_WINDOW_SEC)
        a["gap_to_next_sec"] = np.where(same_next, gap_next, -1)
        offset = a["territory_code"].map(self.offset).to_numpy().astype(np.int64)
        local_day = (a["created_utc"].to_numpy() + offset * 3600) // 86400
        a["report_month"] = pc.utf8_slice_codeunits(date_str(local_day), 0, 7).to_numpy(zero_copy_only=False)
        return a.sort_values("appeal_id", kind="stable").reset_index(drop=True)

    def active_subscribers(self, months: list[str], accounts: Accounts | None = None) -> pd.DataFrame:
        """Accounts active on any day of each month, per territory × product (of `accounts`: every account
        billing delivers, the base's and those campaign contracts opened; the base by default)."""
        acc, rows = self.acc if accounts is None else accounts, []
        for month in months:
            first = pd.Timestamp(month + "-01")
            last = first + pd.offsets.MonthEnd(0)
            d0 = int((first - pd.Timestamp("1970-01-01")).days)
            d1 = int((last - pd.Timestamp("1970-01-01")).days)
            active = (acc.activated <= d1) & ((acc.deactivated < 0) | (acc.deactivated >= d0))
            f = pd.DataFrame({"territory_code": self.t_code[acc.territory[active]],
                              "product_code": self.p_code[acc.product[active]]})
            g = f.value_counts().rename("active_subscribers").reset_index()
            g["report_month"] = month
            rows.append(g)
        return pd.concat(rows, ignore_index=True)

    def frame(self, accounts: Accounts | None = None) -> pd.DataFrame:
        """The view's rows; `active_subscribers` counts `accounts` (the base by default)."""
        a = self.appeals()
        a["is_resolved"] = a["status"].isin(["resolved", "closed"])
        a["is_rfc"] = a["is_resolved"] & ~a["repeat_within_window"]
        keys = ["report_month", "territory_code", "product_code", "service_code"]
        g = a.groupby(keys, sort=True).agg(appealing_customers=("customer_id", "nunique"),
                                           appeals=("appeal_id", "size"), handled=("handled", "sum"),
                                           resolved=("is_resolved", "sum"),
                                           resolved_first_contact=("is_rfc", "sum")).reset_index()
        subs = self.active_subscribers(sorted(g["report_month"].unique()), accounts)
        g = g.merge(subs, on=["report_month", "territory_code", "product_code"], how="left")
        g["active_subscribers"] = g["active_subscribers"].fillna(0).astype(np.int64)
        g["appeals_per_1000_subscribers"] = _ratio(1000 * g["appeals"], g["active_subscribers"])
        g["fcr_pct"] = _ratio(100 * g["resolved_first_contact"], g["resolved"])
        for c in ("handled", "resolved", "resolved_first_contact"):
            g[c] = g[c].astype(np.int64)
        return g[list(FUNNEL_COLUMNS)].sort_values(keys, kind="stable").reset_index(drop=True)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den rounded to 6 places; NULL (empty in the CSV) where den is 0."""
    return (num.astype("float64") / den.where(den != 0)).round(6).astype("Float64")
