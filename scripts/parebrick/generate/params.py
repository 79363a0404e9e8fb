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
