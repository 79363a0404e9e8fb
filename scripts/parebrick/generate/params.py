"""The knobs of the simulation, each named, with a default a contact-center analyst would recognise.

Everything random is drawn from numpy Generators seeded from `RunSpec.seed` and a stable name, so the same
`RunSpec` and `SimParams` give byte-identical output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RunSpec:
    """What the command line asks for."""

    out: Path
    start_date: dt.date = dt.date(2025, 1, 13)
    days: int = 28
    calls_per_day: int = 20_000
    seed: int = 20241015
    seeds_dir: Path | None = None
    gzip: bool = False
    groups: tuple[str, ...] | None = None   # the source groups to write (groups.REGISTRY names); None = all


@dataclass(frozen=True)
class SaasParams:
    """The cloud service of seed 004 (`generate/subscriptions.py`): its companies, how they pay and why they leave.

    Churn is a monthly hazard: `base_churn_monthly` times the multipliers of the company's size bucket,
    activity, tariff group, industry and (after it renewed at a raised price) the price-increase ratio. A
    renewal for `m` months is refused with probability 1 - (1 - hazard)^m. The role mix has no multiplier at
    all: it is the factor with no effect. The truth (`truth/saas_planted_effects.json`) records them all.
    """

    companies: int = 3000                   # companies registered over the span
    years: float = 3.0                      # the span, ending at the run's last day
    growth: float = 1.6                     # registrations in the span's last month over its first
    no_billing_share: float = 0.03          # companies that register and never get a billing row (a defect)
    trial_bonus_share: float = 0.45         # companies that start with a free (zero-price) month
    months_share: dict[int, float] = field(default_factory=lambda: {1: 0.62, 3: 0.23, 12: 0.15})
    base_churn_monthly: float = 0.022       # monthly churn hazard of a 5–10 company of median activity on `старт`
    # Hazard multipliers by size bucket (employer_count_interval 1..9): the smallest churn most.
    size_hazard: tuple[float, ...] = (2.0, 1.5, 1.0, 0.85, 0.8, 0.7, 0.6, 0.5, 0.45)
    size_share: tuple[float, ...] = (0.25, 0.30, 0.20, 0.10, 0.06, 0.04, 0.025, 0.015, 0.01)
    activity_sd: float = 0.8                # spread of the companies' activity (lognormal sd)
    activity_hazard_power: float = 0.6      # hazard × (activity / median)^-power: the least active churn more
    group_hazard: dict[str, float] = field(default_factory=lambda: {
        "старт": 1.0, "бизнес": 0.7, "корпоративный": 0.9, "VIP": 1.3})
    industry_hazard: dict[str, float] = field(default_factory=lambda: {
        "Строительство": 1.3, "Отраслевое строительство": 0.8, "Другое": 0.85})   # others 1.0
    price_increase_hazard: float = 2.5      # hazard multiplier after renewing a tariff at a raised price
    # Paying an invoice (created `invoice_lead_days` before the paid period ends): on time, late within the
    # grace (1-30 days), past it (31-90 days: a churn and a reactivation); a churner never pays it.
    invoice_lead_days: int = 7
    late_within_grace_share: float = 0.08
    late_past_grace_share: float = 0.025
    reactivation_share: float = 0.18        # churners who come back after 1-14 months
    upgrade_monthly: float = 0.008          # monthly chance of moving to the next tariff (a comment says so)
    downgrade_monthly: float = 0.003        # ... or to the previous one
    bonus_month_share: float = 0.04         # renewals followed by a free month granted by a salesperson
    discount_comment_share: float = 0.06    # paid rows with a discount agreed by a salesperson (comment only)
    comment_edit_share: float = 0.05        # billing rows re-versioned later with a comment added
    user_delete_yearly: float = 0.15        # users deleted per year
    info_update_yearly: float = 1.0         # company-info updates per year (the seed: about once a year)
    # Planted defects (SOURCES.md "saas"): counts or shares of rows.
    payed_until_before_created_rows: int = 25   # billing rows whose payed_until is before created_at
    negative_activity_share: float = 0.003      # activity rows with a negative count
    orphan_people_rows: int = 20                # people of companies that do not exist
    respelled_industry_share: float = 0.35      # companies whose industry is typed unlike its canonical form
    malformed_billing_rows: int = 3             # corrupted extra copies of billing rows (must not win)


@dataclass(frozen=True)
class SmartParams:
    """The installation monitoring of seed 002 (`generate/monitoring.py`): the distributors' clients' installations,
    their registry versions, reports and polls over a span of its own ending at the run's last day.

    The cabinets come from `dim_smart_cabinets`; how many installations each has, their clients' time zones
    and how they report are below. The planted events (outages, silences, broken and stale updates, empty-search
    days, an activity drop, every rule's edge) and the defects are fixed in `monitoring.py` and recorded in
    `truth/smart_planted.json`; these knobs shape the background they stand out from.
    """

    weeks: int = 9                          # the span, ending at the end of the run's last day (UTC)
    # Installations per cabinet at the first registry version (the very large distributor's branches most).
    installations: dict[str, int] = field(default_factory=lambda: {
        "kodeks": 30, "kodeks-spb": 64, "kodeks-ekb": 46, "kodeks-nsk": 44, "volgainfo": 40, "sibnorma": 36,
        "dalinfo": 26})
    managers: dict[str, int] = field(default_factory=lambda: {
        "kodeks": 3, "kodeks-spb": 5, "kodeks-ekb": 4, "kodeks-nsk": 4, "volgainfo": 2, "sibnorma": 2,
        "dalinfo": 1})
    # The clients' UTC offsets per cabinet (hours: tz_correction = offset - 4) and their shares.
    utc_offsets: dict[str, dict[int, float]] = field(default_factory=lambda: {
        "kodeks": {3: 0.8, 4: 0.2}, "kodeks-spb": {3: 0.9, 2: 0.1}, "kodeks-ekb": {5: 0.7, 6: 0.3},
        "kodeks-nsk": {7: 0.6, 8: 0.2, 6: 0.2}, "volgainfo": {4: 0.7, 3: 0.3}, "sibnorma": {7: 0.5, 8: 0.3, 9: 0.2},
        "dalinfo": {10: 0.6, 11: 0.2, 12: 0.2}})
    internet_share: float = 0.38            # installations reachable from the internet (polled, `ping`)
    poll_minutes: int = 30                  # the service polls every reachable installation this often
    polls_per_report: int = 8               # ... and fetches its sysinfo report at every 8th poll (4 hours)
    agent_hours: tuple[float, ...] = (4.0, 6.0, 8.0, 24.0)      # the smartupload agent's upload intervals
    agent_hours_share: tuple[float, ...] = (0.45, 0.3, 0.15, 0.1)
    poll_failure_share: float = 0.004       # polls that fail at random (one or two in a row, never three)
    no_operup_share: float = 0.08           # on-premises installations whose agent does not report OperUP
    extra_fields_share: float = 0.15        # installations whose newer agent adds fields SOURCES.md does not list
    empty_search_rate: tuple[float, float] = (0.03, 0.08)     # an installation's usual share of empty searches
    day_off_activity: float = 0.55          # peak activity on a weekend or public holiday relative to a working day
    registry_changes: int = 2               # later registry versions of most cabinets (additions, drops, edits)
    online_clients: dict[str, int] = field(default_factory=lambda: {
        "kodeks": 4, "kodeks-spb": 6, "kodeks-ekb": 3, "volgainfo": 3})
    no_password_share: float = 0.15         # online accesses sent without a password


@dataclass(frozen=True)
class CampaignSpec:
    """One campaign of the CRM's campaign module (seed 003) and what it truly does, per segment.

    `segments` maps each segment code to (baseline conversion %, planted uplift pp): the baseline is the
    chance a control member converts in a response window that starts on the span's first day; it rises by
    `CampaignParams.baseline_rise_per_30d` for every 30 days later. The uplift is the planted difference
    between a target and a control member's chance, the same over the window, in percentage points.
    """

    campaign_id: str
    name: str
    hypothesis: str
    trigger_code: str
    kind: str                               # `cross_sell` (a product the customer lacks) or `upsell`
    offer_product_code: str
    offer_tariff_number: int | None         # upsell: the offered tariff `<product>_t<n>`; None for cross-sell
    segmentation: str                       # `tenure` (years since the customer's first account) or `tariff`
    segments: dict[str, tuple[float, float]]
    channel: str                            # `call`, `sms`, `email`, `push`
    start_week: int                         # weeks after the span's first day the campaign starts
    response_window_days: int
    control_share: float
    pool_share: float                       # share of the eligible customers it takes as members
    assign_days: int = 3                    # members are assigned over this many days from the start


def _default_campaigns() -> tuple[CampaignSpec, ...]:
    tenure = ("tenure_lt2y", "tenure_2_4y", "tenure_4_6y", "tenure_6y_plus")
    tariffs = ("tariff_t1", "tariff_t2", "tariff_t3")
    return (
        CampaignSpec("CMP-101", "ТВ к интернету: звонок", "Абоненты без ТВ много смотрят видео онлайн; звонок "
                     "с предложением пакета ТВ со скидкой на три месяца", "no_tv_heavy_traffic", "cross_sell",
                     "iptv", None, "tenure",
                     dict(zip(tenure, ((6.0, 7.0), (5.0, 5.0), (4.5, 3.5), (4.0, 2.0)))), "call", 2, 30, 0.2, 0.4),
        CampaignSpec("CMP-102", "ТВ к интернету: SMS", "То же предложение ТВ SMS-сообщением со ссылкой: дешевле "
                     "звонка; проверяем, хватает ли SMS", "no_tv_heavy_traffic", "cross_sell", "iptv", None, "tenure",
                     dict(zip(tenure, ((6.0, 3.5), (5.0, 2.5), (4.5, 2.0), (4.0, 1.0)))), "sms", 4, 21, 0.3, 0.4),
        CampaignSpec("CMP-103", "Видеонаблюдение: push", "Открывавшие раздел «Безопасность» в приложении; push о "
                     "видеонаблюдении", "security_section_visits", "cross_sell", "video_surveillance", None,
                     "tenure", dict(zip(tenure[::2], ((5.0, 0.0), (4.5, 0.0)))), "push", 6, 21, 0.5, 0.4),
        CampaignSpec("CMP-104", "Интернет: переход на старший тариф", "Абоненты, упирающиеся в скорость тарифа "
                     "по вечерам; звонок с предложением старшего тарифа", "speed_cap_evenings", "upsell",
                     "home_internet", 4, "tariff", dict(zip(tariffs, ((6.0, 8.0), (7.0, 6.0), (8.0, 4.0)))),
                     "call", 3, 30, 0.4, 1.0),
        CampaignSpec("CMP-105", "Мобильная связь: больше гигабайт", "Абоненты, докупающие трафик каждый месяц; "
                     "письмо о тарифе с большим пакетом", "extra_traffic_purchases", "upsell", "mobile", 4,
                     "tariff", dict(zip(tariffs, ((7.0, 5.0), (7.0, 4.0), (8.0, 3.0)))), "email", 5, 21, 0.4, 1.0),
        CampaignSpec("CMP-106", "Умный дом: письмо", "Абоненты с арендой роутера Mesh и без умного дома; письмо "
                     "о стартовом комплекте", "mesh_router_no_smart_home", "cross_sell", "smart_home", None,
                     "tenure", dict(zip(tenure, ((4.0, 4.0), (4.0, 3.0), (3.5, 2.0), (3.0, 1.5)))), "email", 8, 28,
                     0.3, 0.35),
    )


@dataclass(frozen=True)
class CampaignParams:
    """The campaign module of seed 003 (`generate/campaigns.py`): upsell and cross-sell campaigns over the
    subscriber base, over a span of their own ending at the run's last day, and the contracts they cause in
    billing. The planted truth (`truth/mkt_planted.json`) records every segment's baseline and uplift."""

    weeks: int = 14                         # the span, ending at the end of the run's last day (Moscow)
    baseline_rise_per_30d: float = 0.35     # the baseline conversion grows by this share every 30 days
    campaigns: tuple[CampaignSpec, ...] = field(default_factory=_default_campaigns)
    uplift_spread_sd: float = 0.7           # members' own uplift: the segment's times a lognormal of this sd
    score_noise_sd: float = 0.6             # the priority score: log of the member's uplift plus this noise
    delivered_share: dict[str, float] = field(default_factory=lambda: {
        "call": 0.62, "sms": 0.95, "email": 0.88, "push": 0.8})
    call_retries: int = 2                   # calls not answered are tried again, up to this many more times
    second_contract_share: float = 0.05     # cross-sell converters who open a second account in the window
    # Planted defects (counts, SOURCES.md "crm — campaign exports")
    both_groups_members: int = 4            # customers listed in both groups of a campaign
    contacted_control_members: int = 5      # control members who got a communication all the same
    unknown_members: int = 6                # members whose customer_id billing does not know


@dataclass(frozen=True)
class SimParams:
    """Realism parameters. Shares are fractions of contacts (or rows) unless the name says otherwise."""

    # Arrivals
    weekend_factor: float = 0.62            # demand on a weekend relative to a working day
    holiday_factor: float = 0.5             # demand on a public holiday (calendar seed)
    monday_factor: float = 1.12             # the Monday peak
    day_noise_sd: float = 0.06              # day-to-day random swing of demand (lognormal sd)
    # Forecast and staffing
    forecast_error_sd: float = 0.10         # interval forecast error (lognormal sd)
    sl_target_pct: float = 80.0             # WFM plans staff for this share within the queue's SL threshold
    shrinkage: float = 0.10                 # planned allowance for breaks and absence
    absence_rate: float = 0.06              # share of scheduled shifts that end up as `absence`
    training_rate: float = 0.08             # share of shifts with a 30-minute training or meeting
    shift_intervals: int = 16               # 8-hour shifts on the 30-minute grid
    team_move_share: float = 0.03           # operators who move to another team during the period
    # Caller behaviour
    patience_mean_sec: dict[str, float] = field(default_factory=lambda: {
        "b2c_support": 110.0, "b2b_support": 160.0, "tech_l1": 150.0, "tech_l2": 220.0, "sales": 90.0,
        "retention": 140.0, "collections": 80.0, "vip": 200.0})
    quick_hangup_share: float = 0.025       # callers who hang up within seconds of entering the queue
    # Handle times (seconds): mean talk, share of calls with hold, mean hold, mean after-call work
    talk_mean_sec: dict[str, float] = field(default_factory=lambda: {
        "b2c_support": 230.0, "b2b_support": 340.0, "tech_l1": 420.0, "tech_l2": 610.0, "sales": 380.0,
        "retention": 470.0, "collections": 210.0, "vip": 300.0})
    hold_share: float = 0.28
    hold_mean_sec: float = 55.0
    work_mean_sec: float = 28.0
    missing_hold_share: float = 0.01        # agent rows whose holdTime is -1 (UCCX null)
    missing_work_share: float = 0.006       # agent rows whose workTime is -1
    rona_share: float = 0.02                # offers an agent did not answer (extra agent row, no talk)
    # Routing
    redirect_share: float = 0.05            # calls that start in the main IVR and are redirected (seq 0 → 1)
    multi_queue_share: float = 0.06         # calls queued to two CSQs at once (one ends disposition 5)
    dequeue_share: float = 0.015            # calls dequeued by the script (disposition 3)
    requeue_after_dequeue: float = 0.5      # of those, re-queued to another CSQ; the rest go to a callback
    script_handled_share: float = 0.004     # queue rows handled by the script (disposition 4)
    transfer_share: dict[str, float] = field(default_factory=lambda: {
        "b2c_support": 0.04, "tech_l1": 0.10, "sales": 0.02, "retention": 0.03, "b2b_support": 0.03})
    ivr_only_share: float = 0.04            # incoming calls that never queue (self-service in the IVR)
    outbound_share: float = 0.02            # outgoing calls (contactType 2), not contacts
    # CRM
    register_share: float = 0.86            # handled calls the operator registers as an appeal
    wrong_ref_share: float = 0.02           # call appeals with a mistyped contact_ref
    abandoned_ref_share: float = 0.005      # call appeals pointing at an abandoned call's session
    empty_ref_share: float = 0.02           # call appeals with an empty contact_ref
    double_register_share: float = 0.01     # handled calls registered twice
    repeat_caller_share: float = 0.10       # calls from a customer who called in the last few days
    chats_per_call: float = 0.22            # Omnichat chats per call
    chat_register_share: float = 0.7        # served chats registered as appeals
    chat_bot_only_share: float = 0.15       # chats the bot closes without an operator (status bot_only)
    chat_lost_share: float = 0.07           # chats handed to the queue whose client leaves first (lost)
    chat_wait_mean_sec: float = 45.0        # mean wait in the chat queue before an operator accepts
    chat_handle_mean_sec: float = 540.0     # mean time from acceptance to closing
    chat_csat_share: float = 0.35           # served and bot chats the client rates (1-5)
    chat_update_share: float = 0.06         # chats re-versioned later (topic corrected); late ratings add more
    email_per_call: float = 0.05            # email appeals per call
    office_web_per_call: float = 0.03       # office and web appeals per call
    comment_share: float = 0.35             # appeals with a free-text comment
    appeal_update_share: float = 0.15       # resolved appeals first exported unresolved, re-sent when resolved
    script_run_share: float = 0.6           # call and chat appeals with an operator script run
    # Billing
    subscribers_per_daily_call: int = 12    # the subscriber base relative to daily calls
    churn_monthly: float = 0.012            # accounts deactivated per month
    activation_monthly: float = 0.014       # new accounts per month
    # Planted defects (counts)
    malformed_rows_per_table: int = 3       # corrupted extra copies of rows that are also delivered intact
    late_row_share: float = 0.002           # agent-detail rows delivered in the next day's extract
    overlap_minutes: int = 30               # queue-detail extract of one day repeats the previous day's tail
    stale_account_rows: int = 5             # account rows re-sent later with an older updated_at
    # The cloud service of seed 004 (saas group): its own world and span
    saas: SaasParams = field(default_factory=SaasParams)
    # The installation monitoring of seed 002 (smart group): its own world and span
    smart: SmartParams = field(default_factory=SmartParams)
    # The campaign module of seed 003 (crm group): campaigns over the subscriber base, contracts in billing
    campaigns: CampaignParams = field(default_factory=CampaignParams)
