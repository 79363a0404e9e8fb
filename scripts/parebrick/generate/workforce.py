"""Demand, forecasts, staffing and schedules: the WFM side, and the agents the call simulation uses.

The chain is the one a planning team runs: expected demand per queue and 30-minute local interval →
a published forecast (with error) → required agents by Erlang C for the queue's service level → 8-hour
shifts that cover the requirement → breaks, trainings and absences. The agents actually at `work` in each
interval are what the call simulation queues against, so forecasts, schedules and service level relate.
A team is the set of operators serving one CSQ; operators sit in team *slots*, and a slot changes hands
when an operator moves team (the mover's old slot goes to a new hire, the target slot's holder leaves).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from parebrick.generate.dictionaries import Dictionaries
from parebrick.erlang import erlang_c, required_agents
from parebrick.generate.names import people
from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.rng import stream

INTERVALS = 48
EPOCH = dt.date(1970, 1, 1)

# Intraday arrival curves (local hour 0..23), relative weights. Business lines close at night.
_CURVE_WORKDAY = np.array([0.25, 0.15, 0.10, 0.08, 0.08, 0.15, 0.40, 1.20, 3.00, 5.20, 6.30, 6.40,
                           6.00, 5.60, 5.80, 6.00, 5.90, 5.50, 4.80, 4.00, 3.30, 2.60, 1.70, 0.80])
_CURVE_WEEKEND = np.array([0.35, 0.20, 0.12, 0.10, 0.10, 0.15, 0.30, 0.70, 1.60, 3.20, 4.60, 5.20,
                           5.30, 5.20, 5.00, 4.90, 4.70, 4.40, 4.00, 3.60, 3.10, 2.50, 1.70, 0.90])
BUSINESS_HOURS_SERVICES = ("b2b_support",)  # a knob by service code, not a code list: others are 24/7
SERVICE_WEIGHT = {"b2c_support": 0.44, "tech_l1": 0.24, "tech_l2": 0.02, "b2b_support": 0.06, "sales": 0.08,
                  "retention": 0.04, "collections": 0.08, "vip": 0.02}
SERVICE_WEIGHT_DEFAULT = 0.03


def _half_hour(curve: np.ndarray) -> np.ndarray:
    half = np.repeat(curve, 2)
    return half / half.sum()


@dataclass
class Workforce:
    """Everything the rest of the generator needs from the WFM simulation."""

    demand: np.ndarray          # (Q, D, 48) expected calls per local interval
    aht_sec: np.ndarray         # (Q,) planned handle time
    forecast: np.ndarray        # (Q, D, 48) published forecast
    required: np.ndarray        # (Q, D, 48) required agents
    working: np.ndarray         # (Q, D, 48) agents at `work`
    p_wait: np.ndarray          # (Q, D, 48) Erlang C probability of waiting with `working` agents
    wait_rate: np.ndarray       # (Q, D, 48) rate (1/s) of the exponential wait of those who wait
    cell_offsets: np.ndarray    # (Q*D*48 + 1,) into cell_slots
    cell_slots: np.ndarray      # global slot ids at work, grouped by cell
    slot_team: np.ndarray       # (S,) queue index of each slot
    holder: np.ndarray          # (D, S) operator index holding each slot on each day
    op_login: list[str]
    op_name: list[str]
    op_rate: np.ndarray
    op_hired: np.ndarray        # days since epoch
    op_fired: np.ndarray        # days since epoch, -1 while employed
    versions: list[tuple[int, int, int]]  # (operator, queue index, valid_from day) in order
    resource_of_version: np.ndarray       # resourceID per version
    version_inactive_day: np.ndarray      # day the version was closed, -1 while current
    holder_resource: np.ndarray           # (D, S) resourceID of the holder's version on that day
    shifts: dict[str, np.ndarray]         # schedule rows as arrays (operator, day, activity, start, end)
    forecast_pubs: list[dict]             # publications: arrays of forecast rows
    start_day: int                        # days since epoch of the first local date

    def cell(self, q: np.ndarray, d: np.ndarray, i: np.ndarray) -> np.ndarray:
        q_, d_ = self.demand.shape[:2]
        return (np.asarray(q) * d_ + np.asarray(d)) * INTERVALS + np.asarray(i)


def day_factors(dicts: Dictionaries, spec: RunSpec, params: SimParams) -> tuple[np.ndarray, np.ndarray]:
    """Demand multiplier per day and whether the day uses the weekend curve (weekends and holidays)."""
    cal = dicts.calendar_days(spec.start_date, spec.days)
    working = cal["is_working_day"].to_numpy() == 1
    holiday = cal["is_public_holiday"].to_numpy() == 1
    monday = cal["day_of_week"].to_numpy() == 1
    factor = np.where(working, np.where(monday, params.monday_factor, 1.0), params.weekend_factor)
    factor = np.where(holiday, params.holiday_factor, factor)
    noise = stream(spec.seed, "day-noise").lognormal(0.0, params.day_noise_sd, spec.days)
    return factor * noise, ~working


def build(dicts: Dictionaries, spec: RunSpec, params: SimParams) -> Workforce:
    queues = dicts.queues
    q_n, d_n = len(queues), spec.days
    services = queues["service_code"].to_numpy()
    rng = stream(spec.seed, "queue-weights")
    terr_w = {t: w for t, w in zip(dicts.territories["territory_code"],
                                   rng.lognormal(0.0, 0.45, len(dicts.territories)))}
    weight = np.array([SERVICE_WEIGHT.get(s, SERVICE_WEIGHT_DEFAULT) for s in services])
    tw = np.array([terr_w[t] for t in queues["territory_code"]])
    for s in np.unique(services):
        m = services == s
        tw[m] = tw[m] / tw[m].sum()
    share = weight * tw
    share = share / share.sum()

    factor, weekend = day_factors(dicts, spec, params)
    curve = np.where(weekend[:, None], _half_hour(_CURVE_WEEKEND)[None, :], _half_hour(_CURVE_WORKDAY)[None, :])
    demand = spec.calls_per_day * share[:, None, None] * factor[None, :, None] * curve[None, :, :]
    business = np.isin(services, BUSINESS_HOURS_SERVICES)
    hours = np.arange(INTERVALS) // 2
    closed = (hours < 8) | (hours >= 20)
    open_share = (curve * ~closed[None, :]).sum(axis=1)             # (D,) share of the day inside hours
    demand = np.where(business[:, None, None] & closed[None, None, :], 0.0, demand)
    demand = np.where(business[:, None, None], demand / open_share[None, :, None], demand)

    talk = np.array([params.talk_mean_sec.get(s, 300.0) for s in services])
    aht = talk + params.hold_share * params.hold_mean_sec + params.work_mean_sec
    threshold = queues["service_level_sec"].to_numpy().astype(float)

    frng = stream(spec.seed, "forecast")
    forecast = demand * frng.lognormal(0.0, params.forecast_error_sd, demand.shape)
    required = required_agents(forecast / 1800.0, aht[:, None, None], threshold[:, None, None],
                               params.sl_target_pct / 100.0)
    need = np.ceil(required / (1.0 - params.shrinkage)).astype(np.int64)

    # Greedy cover, left to right: start as many shifts as the interval still lacks.
    length = params.shift_intervals
    starts = np.zeros((q_n, d_n, INTERVALS), dtype=np.int64)
    cover = np.zeros((q_n, d_n, INTERVALS + length), dtype=np.int64)
    for i in range(INTERVALS):
        lack = np.maximum(need[:, :, i] - cover[:, :, i], 0)
        starts[:, :, i] = lack
        cover[:, :, i:i + length] += lack[:, :, None]

    wf = _staff_and_schedule(spec, params, dicts, starts, demand, aht, forecast, required)
    return wf


def _staff_and_schedule(spec: RunSpec, params: SimParams, dicts: Dictionaries, starts: np.ndarray,
                        demand: np.ndarray, aht: np.ndarray, forecast: np.ndarray,
                        required: np.ndarray) -> Workforce:
    q_n, d_n, _ = starts.shape
    per_day = starts.sum(axis=2)                              # shifts per team per day
    team_size = np.ceil(per_day.max(axis=1) * 7 / 5).astype(np.int64) + 1
    slot_base = np.concatenate([[0], np.cumsum(team_size)])
    s_n = int(slot_base[-1])
    slot_team = np.repeat(np.arange(q_n), team_size)
    start_day = (spec.start_date - EPOCH).days

    # Shifts: (team, day, start interval), the k-th shift of a team-day goes to a rotating slot.
    sq, sd, si = np.nonzero(starts)
    reps = starts[sq, sd, si]
    sh_q, sh_d, sh_i = np.repeat(sq, reps), np.repeat(sd, reps), np.repeat(si, reps)
    order = np.lexsort((sh_i, sh_d, sh_q))
    sh_q, sh_d, sh_i = sh_q[order], sh_d[order], sh_i[order]
    group_start = np.r_[0, np.flatnonzero((np.diff(sh_q) != 0) | (np.diff(sh_d) != 0)) + 1]
    k = np.arange(len(sh_q)) - np.repeat(group_start, np.diff(np.r_[group_start, len(sh_q)]))
    size = team_size[sh_q]
    rot = (sh_d * np.ceil(2 * size / 7).astype(np.int64)) % size
    sh_slot = slot_base[sh_q] + (k + rot) % size
    sh_end = np.minimum(sh_i + params.shift_intervals, INTERVALS)

    # Operators: one per slot at the start, plus hires that replace movers.
    rng = stream(spec.seed, "staff")
    holder = np.tile(np.arange(s_n), (d_n, 1))
    n_moves = int(round(params.team_move_share * s_n)) if d_n >= 4 and q_n > 1 else 0
    move_from = rng.choice(s_n, size=min(n_moves, s_n // 2), replace=False) if n_moves else np.array([], int)
    op_hired = start_day - rng.integers(30, 2000, s_n)
    op_fired = np.full(s_n, -1)
    versions: list[tuple[int, int, int]] = [(op, int(slot_team[op]), int(op_hired[op])) for op in range(s_n)]
    version_of_op = {op: [op] for op in range(s_n)}
    extra_ops = 0
    used = set(move_from.tolist())
    for a in move_from.tolist():
        candidates = np.flatnonzero((slot_team != slot_team[a]) & ~np.isin(np.arange(s_n), list(used)))
        if not len(candidates):
            continue
        b = int(rng.choice(candidates))
        used.add(b)
        day = int(rng.integers(d_n // 4, max(d_n // 4 + 1, 3 * d_n // 4)))
        mover, leaver = int(holder[day, a]), int(holder[day, b])
        hire = s_n + extra_ops
        extra_ops += 1
        holder[day:, b] = mover
        holder[day:, a] = hire
        op_fired[leaver] = start_day + day - 1
        versions.append((mover, int(slot_team[b]), start_day + day))
        version_of_op[mover].append(len(versions) - 1)
        versions.append((hire, int(slot_team[a]), start_day + day))
        version_of_op[hire] = [len(versions) - 1]
    n_ops = s_n + extra_ops
    op_hired = np.concatenate([op_hired, np.array([v[2] for v in versions[s_n:] if v[0] >= s_n], dtype=np.int64)])
    op_fired = np.concatenate([op_fired, np.full(extra_ops, -1)])
    names, logins = people(rng, n_ops)
    op_rate = rng.choice(np.array([1.0, 1.0, 1.0, 1.0, 0.75, 0.5]), n_ops)

    resource_of_version = 1000 + np.arange(len(versions))
    version_inactive = np.full(len(versions), -1)
    for op, vids in version_of_op.items():
        for older, newer in zip(vids, vids[1:]):
            version_inactive[older] = versions[newer][2]
        if op_fired[op] >= 0:
            version_inactive[vids[-1]] = op_fired[op] + 1
    # Resource on each day: the holder's version valid then.
    holder_resource = np.empty_like(holder)
    for d in range(d_n):
        today = start_day + d
        for s in range(s_n):
            vids = version_of_op[int(holder[d, s])]
            vid = vids[0]
            for v in vids:
                if versions[v][2] <= today:
                    vid = v
            holder_resource[d, s] = resource_of_version[vid]

    # Activities inside each shift: break mid-shift, some training, some absence.
    n_sh = len(sh_q)
    srng = stream(spec.seed, "schedule")
    absent = srng.random(n_sh) < params.absence_rate
    has_training = srng.random(n_sh) < params.training_rate
    length = sh_end - sh_i
    grid = np.arange(params.shift_intervals)[None, :]
    label = np.where(grid < length[:, None], 0, -1)              # 0 work, 1 break, 2 training, 3 meeting, 4 absence
    brk = np.where(length >= 8, length // 2 + srng.integers(-1, 2, n_sh), -1)
    label[(grid == brk[:, None]) & (label == 0)] = 1
    tr_at = np.where(length >= 6, 2 + srng.integers(0, 3, n_sh), -1)
    tr_kind = np.where(srng.random(n_sh) < 0.5, 2, 3)
    put = (grid == tr_at[:, None]) & has_training[:, None] & (label == 0)
    label = np.where(put, tr_kind[:, None], label)
    label[absent[:, None] & (label >= 0)] = 4

    # Agents at work per cell, and which slots they are.
    rows, cols = np.nonzero(label == 0)
    w_q, w_d, w_i = sh_q[rows], sh_d[rows], sh_i[rows] + cols
    cells = (w_q * d_n + w_d) * INTERVALS + w_i
    slots = sh_slot[rows]
    order = np.lexsort((slots, cells))
    cells, slots = cells[order], slots[order]
    counts = np.bincount(cells, minlength=q_n * d_n * INTERVALS)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    working = counts.reshape(q_n, d_n, INTERVALS)

    load = demand / 1800.0 * aht[:, None, None]
    p_wait = erlang_c(working.ravel(), load.ravel()).reshape(working.shape)
    capacity = working / aht[:, None, None]
    wait_rate = np.maximum(capacity - demand / 1800.0, 0.08 * capacity)
    wait_rate = np.where(working > 0, wait_rate, 1.0 / 600.0)

    # Schedule rows: run-length encode each shift's labels.
    change = np.ones_like(label, dtype=bool)
    change[:, 1:] = label[:, 1:] != label[:, :-1]
    rr, cc = np.nonzero(change & (label >= 0))
    run_label = label[rr, cc]
    same_row_next = np.r_[rr[1:] == rr[:-1], False]
    ends = np.where(same_row_next, np.r_[cc[1:], 0], length[rr])
    sched = {
        "operator": holder[sh_d[rr], sh_slot[rr]],
        "day": sh_d[rr] + start_day,
        "activity": run_label,
        "start_min": (sh_i[rr] + cc) * 30,
        "end_min": (sh_i[rr] + ends) * 30,
        "queue": sh_q[rr],
    }

    pubs = _forecast_publications(spec, params, forecast, aht, required, start_day)
    return Workforce(demand, aht, forecast, required, working, p_wait, wait_rate, offsets, slots, slot_team,
                     holder, logins, names, op_rate, op_hired, op_fired, versions, resource_of_version,
                     version_inactive, holder_resource, sched, pubs, start_day)


def _forecast_publications(spec: RunSpec, params: SimParams, forecast: np.ndarray, aht: np.ndarray,
                           required: np.ndarray, start_day: int) -> list[dict]:
    """Weekly publications (Thursday 10:00 before the week), a re-forecast two days ahead for some days,
    and a late revision after the day that must not count for accuracy."""
    q_n, d_n, _ = forecast.shape
    rng = stream(spec.seed, "forecast-pubs")
    pubs = []
    week_of_day = np.arange(d_n) // 7
    for w in range(int(week_of_day.max()) + 1):
        days = np.flatnonzero(week_of_day == w)
        pub_min = (int(days[0]) - 4) * 1440 + 600
        pubs.append({"name": f"week{w + 1:02d}", "days": days, "pub_min": np.full(len(days), pub_min),
                     "factor": np.ones((q_n, len(days), INTERVALS)), "aht_factor": 1.0})
    re_days = np.flatnonzero(rng.random(d_n) < 0.25)
    if len(re_days):
        pubs.append({"name": "reforecast", "days": re_days, "pub_min": (re_days - 2) * 1440 + 900,
                     "factor": rng.lognormal(0.0, 0.04, (q_n, len(re_days), INTERVALS)), "aht_factor": 1.0})
    late_days = np.flatnonzero(rng.random(d_n) < 0.05)
    if len(late_days):
        pubs.append({"name": "late-revision", "days": late_days, "pub_min": (late_days + 1) * 1440 + 540,
                     "factor": rng.lognormal(0.0, 0.04, (q_n, len(late_days), INTERVALS)), "aht_factor": 1.0})
    return pubs
