"""The CRM's campaign module exports (SOURCES.md "crm — campaign exports"), written by the crm group in the
CRM's dialect (`;`, Windows-1251, decimal comma, `DD.MM.YYYY HH:MM:SS` Moscow time) from campaigns.py:

  crm/campaigns/campaigns_<YYYYMMDD>.csv                every campaign, as of the span's last day
  crm/campaign_members/campaign_members_<campaign_id>.csv   one campaign's members, by priority
  crm/communications/communications_<YYYYMM>.csv        the communications sent in a Moscow month

`segment_code` of a campaign names its segmentation (`tenure`, `tariff`); its members' `segment_code` is
their segment in it. The export's own defects, delivered as data for the warehouse to count: a customer
listed in both groups (the second row, in the other group, at the end of the campaign's file), members
billing does not know, communications to control members.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from parebrick.generate.campaigns import Campaigns
from parebrick.generate.csvout import table_of, ts_ru
from parebrick.generate.delivery import Defect, Dialect, Extract, day_stamp


def extracts(c: Campaigns, group: str, dialect: Dialect) -> Iterator[Extract]:
    """The three tables' extracts, campaigns first (a member's campaign is delivered before it)."""
    yield Extract(group, "campaigns", f"campaigns_{day_stamp(c.end_day - 1)}", _campaigns(c), dialect)
    for camp in c.campaigns:
        cid = camp.spec.campaign_id
        m = c.members[c.members["campaign_id"] == cid]
        m = _twins_last(m)
        name = f"campaign_members_{cid}"
        defects = []
        twins = int(m["both_groups"].sum() // 2)
        if twins:
            defects.append(Defect("both_groups", "campaign_members", name, twins,
                                  "customers listed in both groups of the campaign (a second row, other group)"))
        unknown = int(m["unknown_to_billing"].sum())
        if unknown:
            defects.append(Defect("unknown_to_billing", "campaign_members", name, unknown,
                                  "members whose customer_id billing does not know"))
        yield Extract(group, "campaign_members", name, _members(m), dialect, tuple(defects))
    comm = c.communications
    month = (pd.to_datetime(comm["sent_sec"], unit="s")).dt.strftime("%Y%m").to_numpy()
    control = _to_control(c)
    for mo in sorted(set(month)):
        part = comm[month == mo]
        name = f"communications_{mo}"
        keys = part[["campaign_id", "customer_id"]].itertuples(index=False)
        hits = sum((cid, int(x)) in control for cid, x in keys)
        defects = (Defect("contacted_control", "communications", name, hits,
                          "communications to members of the control group"),) if hits else ()
        yield Extract(group, "communications", name, _communications(part), dialect, defects)


def _twins_last(m: pd.DataFrame) -> pd.DataFrame:
    """The campaign's members by priority, the second rows of both-groups customers at the end."""
    first = m.drop_duplicates(["customer_id"], keep="first")
    second = m[m.duplicated(["customer_id"], keep="first")]
    return pd.concat([first.sort_values("priority", kind="stable"), second.sort_values("priority", kind="stable")])


def _to_control(c: Campaigns) -> set[tuple[str, int]]:
    """(campaign, customer) of the control members planted as contacted."""
    return set(c.defects.get("contacted_control", []))


def _campaigns(c: Campaigns) -> pa.Table:
    specs = [x.spec for x in c.campaigns]
    return table_of({
        "campaign_id": [s.campaign_id for s in specs], "name": [s.name for s in specs],
        "hypothesis": [s.hypothesis for s in specs], "trigger_code": [s.trigger_code for s in specs],
        "offer_product_code": [s.offer_product_code for s in specs],
        "offer_tariff_code": pa.array([f"{s.offer_product_code}_t{s.offer_tariff_number}"
                                       if s.offer_tariff_number else None for s in specs], pa.string()),
        "segment_code": [s.segmentation for s in specs], "channel": [s.channel for s in specs],
        "starts_at": ts_ru(np.array([x.starts_sec for x in c.campaigns])),
        "ends_at": ts_ru(np.array([x.ends_sec for x in c.campaigns])),
        "response_window_days": [s.response_window_days for s in specs],
        "control_share": [f"{s.control_share:g}".replace(".", ",") for s in specs]})


def _members(m: pd.DataFrame) -> pa.Table:
    return table_of({"campaign_id": m["campaign_id"].to_numpy(dtype=object),
                     "customer_id": m["customer_id"].to_numpy(dtype=np.int64),
                     "segment_code": m["segment_code"].to_numpy(dtype=object),
                     "group": m["group"].to_numpy(dtype=object), "priority": m["priority"].to_numpy(dtype=np.int64),
                     "assigned_at": ts_ru(m["assigned_sec"].to_numpy())})


def _communications(comm: pd.DataFrame) -> pa.Table:
    return table_of({"communication_id": comm["communication_id"].to_numpy(dtype=np.int64),
                     "campaign_id": comm["campaign_id"].to_numpy(dtype=object),
                     "customer_id": comm["customer_id"].to_numpy(dtype=np.int64),
                     "channel": comm["channel"].to_numpy(dtype=object), "sent_at": ts_ru(comm["sent_sec"].to_numpy()),
                     "delivered": comm["delivered"].to_numpy(dtype=np.int64),
                     "outcome": pa.array([o if isinstance(o, str) else None for o in comm["outcome"]],
                                         pa.string())})
