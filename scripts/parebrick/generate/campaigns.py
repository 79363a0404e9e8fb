"""The CRM's campaign module (seed 003): upsell and cross-sell campaigns over the subscriber base, and the
contracts billing records because of them.

The campaigns run over a span of their own (`CampaignParams.weeks`) ending at the end of the run's last day
(Moscow), so that response windows of weeks fit whatever `--days` is. Their members are the generator's own
customers (`customers.Accounts`), chosen on their state the day before the earliest pre-period of the
campaign (the segment's data date):
  * cross-sell: customers with an account active since before that day that never closes, and no account
    of the offered product at all (so nothing but a contract gives them one);
  * upsell: customers with exactly one account of the offered product, on a lower tariff, active since
    before that day and never closing.
A customer is a member of at most one campaign per offered product. Segments: `tenure_*` (years since the
customer's first account on the data date: under 2, 2 to 4, 4 to 6, 6 and more) or `tariff_t<n>` (the upsold
account's tariff). Within each segment the members are shuffled and the first round(n × control_share) are
the control group. Priority is the rank within the campaign of a score that grows with the member's own
planted uplift (plus noise), so that a Qini curve over priority rises above the diagonal.

What each member does (all planted, `truth/mkt_planted.json`):
  * a member's own uplift is the segment's times a truncated lognormal weight normalised to mean 1 over the
    segment's members, so the segment's planted uplift is exactly the mean of its members';
  * the baseline chance of converting in a window rises with its first day (`baseline_rise_per_30d`): the
    pre-period's chance is lower than the window's for the same member, so target "after − before" overstates
    the effect and only the control group (or the difference in differences) corrects it;
  * one draw per member decides: a contract in the pre-period, a baseline contract in the window, a contract
    the communication caused, or none. The communication works only when delivered; its effect is divided by
    the chance of delivery, so a target member's chance to convert is baseline + own uplift whether or not
    it is delivered (the uplift is the effect of being targeted, as the control group measures it);
  * contracts never fall on an edge day (the assignment day, the pre-period's first day, the day after the
    window): the sample reads the same whether the window is compared by Moscow date or by time.
    The edge rules themselves are for the models' unit tests.
Contracts are billing's: a cross-sell is a new account of the offered product (activated on the contract's
date, never closed; a few converters open a second one), an upsell the account re-delivered on the offered
tariff with `updated_at` at the contract's time. groups/brm.py writes them; the funnel counts the new
accounts among the active subscribers.
Communications go to target members only: calls not answered are tried again a day or two later; sms, email
and push are sent once. Planted defects (counted in the manifest and the truth): customers listed in both
groups of a campaign, control members contacted all the same, members unknown to billing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from parebrick.generate.customers import Accounts, tariff_number
from parebrick.generate.params import CampaignParams, CampaignSpec
from parebrick.generate.rng import stream

DAY_SEC = 86_400
HOUR_SEC = 3_600
# Members are assigned in one batch a day, between 09:00 and 11:00 Moscow; communications go out later, from
# 12:00 to 20:00, so a communication on the assignment day is after the assignment.
ASSIGN_HOURS = (9, 11)
SEND_HOURS = (12, 20)
CONTRACT_HOURS = (10, 19)                # when billing changes a tariff (Moscow wall time)
FIRST_CONTACT_DAYS = 3                   # the first communication within this many days of the assignment
RETRY_DAYS = (1, 2)                      # a call not answered is tried again one or two days later
TENURE_YEARS = (2, 4, 6)                 # tenure segments: under 2 years, 2 to 4, 4 to 6, 6 and more
WEIGHT_CLIP_SD = 2.0                     # members' uplift weights: lognormal truncated at ±2 sd
NEW_ACCOUNT_BASE = 3_600_000_000         # ids of accounts opened by campaign contracts: above the base's
FIRST_COMMUNICATION_ID = 80_000_001
UNKNOWN_CUSTOMER_OFFSET = 5_000_000      # customers billing does not know: above every known customer id


@dataclass
class Campaign:
    """One campaign as the CRM knows it, with its dates (Moscow wall-time epoch seconds)."""

    spec: CampaignSpec
    starts_sec: int
    ends_sec: int
    first_day: int                       # the first assignment day (days since the epoch)


@dataclass
class Campaigns:
    """The campaigns, their members (one row per member and group: a both-groups customer has two), the
    communications, and the contracts billing records (new accounts; tariff changes of base accounts)."""

    campaigns: list[Campaign]
    members: pd.DataFrame                # campaign_id, customer_id, segment_code, group, priority, assigned_sec and
    #                                      assigned_day (Moscow), window_days, uplift (own, a fraction), p_pre and
    #                                      p_post_base (baseline chances), pre_converted, converted, treated (a
    #                                      delivered communication), contract_day (-1: none), account (the base
    #                                      account: the upsold one; -1 unknown), unknown_to_billing, both_groups,
    #                                      contacted_control
    communications: pd.DataFrame         # communication_id, campaign_id, customer_id, channel, sent_sec, delivered,
    #                                      outcome (None = empty)
    new_accounts: Accounts               # cross-sell contracts
    new_account_campaign: np.ndarray     # the campaign each new account's contract answers
    tariff_changes: pd.DataFrame         # account (base index), change_sec (Moscow), tariff_number, campaign_id
    span_first_day: int
    end_day: int                         # the day after the span's last day
    defects: dict[str, list[tuple[str, int]]] = field(default_factory=dict)   # kind → (campaign, customer)


def simulate(acc: Accounts, products: pd.DataFrame, params: CampaignParams, seed: int, last_day: int) -> Campaigns:
    """The campaigns of the span ending at `last_day` (inclusive), drawn from their own `campaign-*` streams."""
    end_day = last_day + 1
    first = end_day - 7 * params.weeks
    p_index = {c: i for i, c in enumerate(products["product_code"])}
    base = _Base(acc, p_index)
    taken: dict[str, set[int]] = {}
    parts, comms, campaigns = [], [], []
    for k, spec in enumerate(params.campaigns):
        camp = _campaign(spec, first, end_day, stream(seed, "campaign-dates", k))
        pool = base.eligible(spec, camp.first_day - spec.response_window_days - 1)
        pool = pool[~pool["customer_id"].isin(taken.setdefault(spec.offer_product_code, set()))]
        rng = stream(seed, "campaign-members", k)
        m = _members(spec, camp, pool, rng, params, first)
        taken[spec.offer_product_code].update(m["customer_id"].tolist())
        parts.append(m)
        campaigns.append(camp)
    members = pd.concat(parts, ignore_index=True)
    members = _plant_unknown(members, campaigns, int(acc.customer_id.max()), params, stream(seed, "campaign-unknown"))
    for k, camp in enumerate(campaigns):
        own = members["campaign_id"] == camp.spec.campaign_id
        members.loc[own, "priority"] = _priority(members.loc[own], stream(seed, "campaign-priority", k), params)
    members["priority"] = members["priority"].astype(np.int64)
    for k, camp in enumerate(campaigns):
        own = np.flatnonzero(members["campaign_id"].to_numpy() == camp.spec.campaign_id)
        _outcomes(members, own, camp.spec, params, stream(seed, "campaign-outcomes", k))
        comms.append(_communications(members.iloc[own], camp.spec, params, stream(seed, "campaign-comms", k)))
    defects: dict[str, list[tuple[str, int]]] = {}
    members = _plant_both_groups(members, params, stream(seed, "campaign-both"), defects)
    comm = pd.concat(comms, ignore_index=True)
    comm = _plant_contacted_control(members, comm, campaigns, params, stream(seed, "campaign-contacted"), defects)
    defects["unknown_to_billing"] = [(c, int(x)) for c, x in
                                     members.loc[members["unknown_to_billing"], ["campaign_id", "customer_id"]]
                                     .drop_duplicates().itertuples(index=False)]
    comm = comm.sort_values(["sent_sec", "campaign_id", "customer_id"], kind="stable", ignore_index=True)
    comm.insert(0, "communication_id", FIRST_COMMUNICATION_ID + np.arange(len(comm), dtype=np.int64))
    new_acc, new_camp = _new_accounts(members, campaigns, base, p_index, params, stream(seed, "campaign-accounts"))
    changes = _tariff_changes(members, campaigns, base, stream(seed, "campaign-tariffs"))
    return Campaigns(campaigns, members, comm, new_acc, new_camp, changes, first, end_day, defects)


class _Base:
    """The subscriber base per customer, as the campaigns select from it."""

    def __init__(self, acc: Accounts, p_index: dict[str, int]) -> None:
        self.acc, self.p_index = acc, p_index
        self.frame = pd.DataFrame({"account": np.arange(len(acc.account_id)), "customer_id": acc.customer_id,
                                   "product": acc.product, "activated": acc.activated,
                                   "deactivated": acc.deactivated, "territory": acc.territory,
                                   "tariff": tariff_number(acc.account_id)})
        self.first_activated = self.frame.groupby("customer_id")["activated"].min()

    def eligible(self, spec: CampaignSpec, data_day: int) -> pd.DataFrame:
        """customer_id, segment_code, account (the stable account: the upsold one, or any for cross-sell),
        territory, tariff; one row per eligible customer, in customer order."""
        f = self.frame
        product = self.p_index[spec.offer_product_code]
        stable = (f["activated"] < data_day) & (f["deactivated"] < 0)
        of_product = f["product"] == product
        per_customer = of_product.groupby(f["customer_id"]).sum()
        if spec.kind == "cross_sell":
            lacking = per_customer.index[per_customer.to_numpy() == 0]
            rows = f[stable & f["customer_id"].isin(lacking)].drop_duplicates("customer_id")
        else:
            single = per_customer.index[per_customer.to_numpy() == 1]
            rows = f[stable & of_product & f["customer_id"].isin(single) & (f["tariff"] < spec.offer_tariff_number)]
        rows = rows.sort_values("customer_id", kind="stable").copy()
        if spec.segmentation == "tenure":
            years = (data_day - self.first_activated.reindex(rows["customer_id"]).to_numpy()) / 365.25
            band = np.searchsorted(np.array(TENURE_YEARS, dtype=float), years, side="right")
            rows["segment_code"] = np.array(["tenure_lt2y", "tenure_2_4y", "tenure_4_6y", "tenure_6y_plus"])[band]
        else:
            rows["segment_code"] = "tariff_t" + rows["tariff"].astype(str)
        return rows[rows["segment_code"].isin(list(spec.segments))].reset_index(drop=True)


def _campaign(spec: CampaignSpec, first: int, end_day: int, rng: np.random.Generator) -> Campaign:
    day0 = first + 7 * spec.start_week
    last_window_end = day0 + spec.assign_days - 1 + spec.response_window_days
    if last_window_end > end_day:
        raise ValueError(f"campaign {spec.campaign_id}: its last response window ends after the span "
                         f"({spec.start_week} weeks in, {spec.response_window_days} days); widen CampaignParams.weeks")
    starts = day0 * DAY_SEC + int(rng.integers(8 * HOUR_SEC, 9 * HOUR_SEC))
    ends = (last_window_end - 1) * DAY_SEC + 23 * HOUR_SEC + 59 * 60 + 59
    return Campaign(spec, starts, ends, day0)


def _members(spec: CampaignSpec, camp: Campaign, pool: pd.DataFrame, rng: np.random.Generator,
             params: CampaignParams, first: int) -> pd.DataFrame:
    """The campaign's members: a random share of the pool, grouped at random within each segment."""
    take = np.sort(rng.permutation(len(pool))[:int(round(spec.pool_share * len(pool)))])
    m = pool.iloc[take].reset_index(drop=True)
    n = len(m)
    group = np.empty(n, dtype=object)
    uplift = np.zeros(n)
    base_pct = np.zeros(n)
    for seg, (baseline, lift) in spec.segments.items():
        idx = np.flatnonzero(m["segment_code"].to_numpy() == seg)
        order = rng.permutation(idx)
        n_control = int(round(spec.control_share * len(idx)))
        group[order[:n_control]] = "control"
        group[order[n_control:]] = "target"
        w = np.exp(np.clip(rng.normal(0.0, params.uplift_spread_sd, len(idx)),
                           -WEIGHT_CLIP_SD * params.uplift_spread_sd, WEIGHT_CLIP_SD * params.uplift_spread_sd))
        uplift[idx] = lift / 100.0 * w / w.mean() if len(idx) else 0.0
        base_pct[idx] = baseline
    day = camp.first_day + rng.integers(0, spec.assign_days, n)
    batch = {d: int(rng.integers(ASSIGN_HOURS[0] * HOUR_SEC, ASSIGN_HOURS[1] * HOUR_SEC))
             for d in range(camp.first_day, camp.first_day + spec.assign_days)}
    w_days = spec.response_window_days
    rise = params.baseline_rise_per_30d
    return pd.DataFrame({
        "campaign_id": spec.campaign_id, "customer_id": m["customer_id"].to_numpy(dtype=np.int64),
        "segment_code": m["segment_code"].to_numpy(dtype=object), "group": group, "priority": 0,
        "assigned_sec": day * DAY_SEC + np.array([batch[int(d)] for d in day], dtype=np.int64),
        "assigned_day": day, "window_days": w_days, "uplift": uplift,
        "pre_converted": False, "converted": False, "treated": False, "contract_day": -1,
        "unknown_to_billing": False, "both_groups": False, "contacted_control": False,
        "p_pre": base_pct / 100.0 * (1 + rise * (day - w_days - first) / 30.0),
        "p_post_base": base_pct / 100.0 * (1 + rise * (day - first) / 30.0),
        "account": m["account"].to_numpy(dtype=np.int64)})


def _plant_unknown(members: pd.DataFrame, campaigns: list[Campaign], max_customer: int, params: CampaignParams,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Members whose customer_id billing does not know, spread over the campaigns: each copies a random
    member's segment and assignment, is grouped by the control share, is contacted like the others and can
    never convert."""
    rows = []
    for j in range(params.unknown_members):
        spec = campaigns[j % len(campaigns)].spec
        own = np.flatnonzero(members["campaign_id"].to_numpy() == spec.campaign_id)
        row = members.iloc[int(own[rng.integers(0, len(own))])].copy()
        row["customer_id"] = max_customer + UNKNOWN_CUSTOMER_OFFSET + 1 + j
        row["group"] = "control" if rng.random() < spec.control_share else "target"
        row["unknown_to_billing"] = True
        row["p_pre"] = row["p_post_base"] = row["uplift"] = 0.0
        row["account"] = -1
        rows.append(row)
    return pd.concat([members, pd.DataFrame(rows)], ignore_index=True) if rows else members


def _priority(m: pd.DataFrame, rng: np.random.Generator, params: CampaignParams) -> np.ndarray:
    """Rank within the campaign (1 = contact first) of a score that grows with the member's own uplift."""
    score = np.log(m["uplift"].to_numpy() + 0.002) + rng.normal(0.0, params.score_noise_sd, len(m))
    order = np.argsort(-score, kind="stable")
    rank = np.empty(len(m), dtype=np.int64)
    rank[order] = np.arange(1, len(m) + 1)
    return rank


def _delivery_chance(spec: CampaignSpec, params: CampaignParams) -> float:
    """The chance a target member gets at least one delivered communication."""
    d = params.delivered_share[spec.channel]
    tries = 1 + (params.call_retries if spec.channel == "call" else 0)
    return 1.0 - (1.0 - d) ** tries


def _outcomes(members: pd.DataFrame, own: np.ndarray, spec: CampaignSpec, params: CampaignParams,
              rng: np.random.Generator) -> None:
    """Delivery and conversion of the campaign's members (in place): one uniform draw decides pre-period
    contract, baseline contract, caused contract or none; contracts fall strictly inside their window."""
    m = members.iloc[own]
    n = len(m)
    d_any = _delivery_chance(spec, params)
    target = (m["group"] == "target").to_numpy()
    delivered = target & (rng.random(n) < d_any)
    extra = np.where(delivered, m["uplift"].to_numpy() / d_any, 0.0)
    p_pre, p_base = m["p_pre"].to_numpy(), m["p_post_base"].to_numpy()
    r = rng.random(n)
    pre = r < p_pre
    base_conv = (r >= p_pre) & (r < p_pre + p_base)
    caused = (r >= p_pre + p_base) & (r < p_pre + p_base + extra)
    known = ~m["unknown_to_billing"].to_numpy()
    pre, base_conv, caused = pre & known, base_conv & known, caused & known
    w = spec.response_window_days
    day = m["assigned_day"].to_numpy()
    # Away from the edge days: the pre-period's days after its first, before the assignment day; the window's
    # days after the assignment day up to its last (caused contracts after the first delivered communication,
    # which is at most FIRST_CONTACT_DAYS + retries × RETRY_DAYS[1] days in).
    pre_day = day - w + 1 + rng.integers(0, w - 1, n)
    post_day = day + 1 + rng.integers(0, w - 1, n)
    lead = FIRST_CONTACT_DAYS + params.call_retries * RETRY_DAYS[1] + 1
    caused_day = day + lead + rng.integers(0, max(1, w - 1 - lead), n)
    contract = np.where(pre, pre_day, np.where(caused, caused_day, np.where(base_conv, post_day, -1)))
    cols = members.columns
    members.iloc[own, cols.get_loc("pre_converted")] = pre
    members.iloc[own, cols.get_loc("converted")] = base_conv | caused
    members.iloc[own, cols.get_loc("treated")] = delivered
    members.iloc[own, cols.get_loc("contract_day")] = contract


def _communications(m: pd.DataFrame, spec: CampaignSpec, params: CampaignParams,
                    rng: np.random.Generator) -> pd.DataFrame:
    """The target members' communications: a call is retried until answered (up to `call_retries` more
    times); the attempt of a member drawn as delivered that gets through is the delivered one."""
    t = m[m["group"] == "target"]
    n = len(t)
    d = params.delivered_share[spec.channel]
    tries = 1 + (params.call_retries if spec.channel == "call" else 0)
    delivered_any = t["treated"].to_numpy()
    # Which attempt gets through, given that one does (truncated geometric); none when not delivered.
    chances = np.array([(1 - d) ** k * d for k in range(tries)])
    through = np.where(delivered_any, rng.choice(tries, n, p=chances / chances.sum()), tries)
    attempts = np.minimum(through + 1, tries)
    who = np.repeat(np.arange(n), attempts)
    k = np.arange(len(who)) - np.repeat(np.cumsum(attempts) - attempts, attempts)
    gap = rng.integers(RETRY_DAYS[0], RETRY_DAYS[1] + 1, len(who))
    first_day = t["assigned_day"].to_numpy() + rng.integers(0, FIRST_CONTACT_DAYS, n)
    day = first_day[who] + np.where(k > 0, _cumsum_by(gap, who, k), 0)
    sent = day * DAY_SEC + rng.integers(SEND_HOURS[0] * HOUR_SEC, SEND_HOURS[1] * HOUR_SEC, len(who))
    ok = k == through[who]
    converted, treated = t["converted"].to_numpy()[who], t["treated"].to_numpy()[who]
    return pd.DataFrame({"campaign_id": spec.campaign_id, "customer_id": t["customer_id"].to_numpy()[who],
                         "channel": spec.channel, "sent_sec": sent, "delivered": ok.astype(np.int64),
                         "outcome": _outcome(spec.channel, ok, converted & treated, rng)})


def _cumsum_by(gap: np.ndarray, who: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Days from a member's first attempt to each later attempt (the gaps before it, summed per member)."""
    step = np.where(k > 0, gap, 0)
    total = np.cumsum(step)
    start = np.r_[0, np.flatnonzero(who[1:] != who[:-1]) + 1]
    offset = np.repeat(total[start] - step[start], np.diff(np.r_[start, len(who)]))
    return total - offset


def _outcome(channel: str, ok: np.ndarray, converter: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What the CRM records: a call's answer, or (sms, email, push) a reply only when there is one."""
    u = rng.random(len(ok))
    if channel == "call":
        answered = np.where(converter, np.where(u < 0.8, "agreed", "interested"),
                            np.where(u < 0.55, "refused", np.where(u < 0.9, "interested", "agreed")))
        return np.where(ok, answered, "no_answer").astype(object)
    reply = np.where(converter, np.where(u < 0.6, "agreed", None), np.where(u < 0.03, "refused", None))
    return np.where(ok, reply, None).astype(object)


def _plant_both_groups(members: pd.DataFrame, params: CampaignParams, rng: np.random.Generator,
                       defects: dict) -> pd.DataFrame:
    """A few members listed a second time in the other group of their campaign (same segment, priority and
    assignment): the campaign cannot say which group they were in."""
    known = np.flatnonzero(~members["unknown_to_billing"].to_numpy())
    picked = np.sort(rng.choice(known, min(params.both_groups_members, len(known)), replace=False))
    members.loc[members.index[picked], "both_groups"] = True
    twin = members.iloc[picked].copy()
    twin["group"] = np.where(twin["group"] == "target", "control", "target")
    defects["both_groups"] = [(c, int(x)) for c, x in twin[["campaign_id", "customer_id"]].itertuples(index=False)]
    return pd.concat([members, twin], ignore_index=True)


def _plant_contacted_control(members: pd.DataFrame, comm: pd.DataFrame, campaigns: list[Campaign],
                             params: CampaignParams, rng: np.random.Generator, defects: dict) -> pd.DataFrame:
    """Control members who got one communication all the same (a list sent without its control filter)."""
    ok = np.flatnonzero((members["group"] == "control").to_numpy() & ~members["both_groups"].to_numpy()
                        & ~members["unknown_to_billing"].to_numpy())
    picked = np.sort(rng.choice(ok, min(params.contacted_control_members, len(ok)), replace=False))
    members.loc[members.index[picked], "contacted_control"] = True
    chosen = members.iloc[picked]
    channel = {c.spec.campaign_id: c.spec.channel for c in campaigns}
    extra = pd.DataFrame({"campaign_id": chosen["campaign_id"].to_numpy(),
                          "customer_id": chosen["customer_id"].to_numpy(),
                          "channel": [channel[c] for c in chosen["campaign_id"]],
                          "sent_sec": chosen["assigned_day"].to_numpy() * DAY_SEC + SEND_HOURS[0] * HOUR_SEC
                          + rng.integers(0, HOUR_SEC, len(chosen)),
                          "delivered": 1, "outcome": None})
    defects["contacted_control"] = [(c, int(x)) for c, x in chosen[["campaign_id", "customer_id"]]
                                    .itertuples(index=False)]
    return pd.concat([comm, extra], ignore_index=True)


def _contracted(members: pd.DataFrame, campaigns: list[Campaign], kind: str) -> pd.DataFrame:
    """Each member row that made a contract (pre-period or window), once per customer and campaign."""
    kinds = {c.spec.campaign_id: c.spec.kind for c in campaigns}
    m = members[(members["contract_day"] >= 0) & members["campaign_id"].map(kinds).eq(kind)]
    return m.drop_duplicates(["campaign_id", "customer_id"])


def _new_accounts(members: pd.DataFrame, campaigns: list[Campaign], base: _Base, p_index: dict[str, int],
                  params: CampaignParams, rng: np.random.Generator) -> tuple[Accounts, np.ndarray]:
    """The cross-sell contracts: a new account of the offered product, in the territory of the customer's
    account, activated on the contract day; a few window converters open a second one later in the window."""
    m = _contracted(members, campaigns, "cross_sell")
    offer = {c.spec.campaign_id: p_index[c.spec.offer_product_code] for c in campaigns}
    day = m["contract_day"].to_numpy()
    window_end = (m["assigned_day"] + m["window_days"] - 1).to_numpy()
    second = m["converted"].to_numpy() & (rng.random(len(m)) < params.second_contract_share) & (day + 1 < window_end)
    second_day = day + 1 + (rng.random(len(m)) * np.maximum(window_end - day - 1, 1)).astype(np.int64)
    rows = np.r_[np.arange(len(m)), np.flatnonzero(second)]
    activated = np.r_[day, second_day[second]]
    account = m["account"].to_numpy()[rows]
    n = len(rows)
    order = np.lexsort((rows, activated))
    rows, activated, account = rows[order], activated[order], account[order]
    ids = NEW_ACCOUNT_BASE + np.arange(n, dtype=np.int64) * 7 + rng.integers(0, 7, n)
    acc = Accounts(account_id=ids, customer_id=m["customer_id"].to_numpy(dtype=np.int64)[rows],
                   territory=base.acc.territory[account],
                   product=np.array([offer[c] for c in m["campaign_id"].to_numpy()[rows]], dtype=np.int64),
                   activated=activated.astype(np.int64), deactivated=np.full(n, -1, dtype=np.int64),
                   by_territory=[np.flatnonzero(base.acc.territory[account] == t)
                                 for t in range(len(base.acc.by_territory))])
    return acc, m["campaign_id"].to_numpy()[rows]


def _tariff_changes(members: pd.DataFrame, campaigns: list[Campaign], base: _Base,
                    rng: np.random.Generator) -> pd.DataFrame:
    """The upsell contracts: the member's account moved to the offered tariff at a time of the contract day."""
    m = _contracted(members, campaigns, "upsell")
    tariff = {c.spec.campaign_id: c.spec.offer_tariff_number for c in campaigns}
    sec = m["contract_day"].to_numpy() * DAY_SEC + rng.integers(CONTRACT_HOURS[0] * HOUR_SEC,
                                                              CONTRACT_HOURS[1] * HOUR_SEC, len(m))
    out = pd.DataFrame({"account": m["account"].to_numpy(dtype=np.int64), "change_sec": sec,
                        "tariff_number": m["campaign_id"].map(tariff).to_numpy(dtype=np.int64),
                        "campaign_id": m["campaign_id"].to_numpy()})
    return out.sort_values("account", kind="stable", ignore_index=True)
