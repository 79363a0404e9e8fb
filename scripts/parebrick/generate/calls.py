"""The call simulation for one local day, vectorised: contacts, their legs, queue rows and agent rows.

Arrivals are drawn per queue and local 30-minute interval from the WFM demand. A caller waits when all
agents at `work` in that interval are busy (Erlang C with the scheduled agents), and abandons when their
patience runs out first. Routing variants follow UCCX: redirects from the main IVR (sessionSeqNum 0 → 1),
multi-queue selection (the queue that loses gets disposition 5), dequeue to a callback or another queue
(disposition 3), script-handled queue rows (disposition 4), and agent transfers to another CSQ (a new leg).
The returned arrays are the simulation's events; the extract files and the ground truth are both built
from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parebrick.generate.dictionaries import Dictionaries
from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.rng import stream
from parebrick.generate.workforce import INTERVALS, Workforce

# Where an agent transfers a caller, by service of the queue; other services transfer to any other service.
TRANSFER_TO = {"tech_l1": ("tech_l2",), "b2c_support": ("sales", "retention", "collections", "tech_l1"),
               "sales": ("b2c_support",), "retention": ("b2c_support",), "b2b_support": ("tech_l1",)}

# Queue-row dispositions (UCCX ContactQueueDetail).
ABANDONED, HANDLED, DEQUEUED, BY_SCRIPT, ELSEWHERE = 1, 2, 3, 4, 5


@dataclass
class DayCalls:
    contacts: dict[str, np.ndarray]   # one row per queued inbound contact
    legs: dict[str, np.ndarray]       # ContactCallDetail rows (also IVR-only and outbound calls)
    qrows: dict[str, np.ndarray]      # ContactQueueDetail rows
    arows: dict[str, np.ndarray]      # AgentConnectionDetail rows
    next_session: int


class _Rows:
    """Accumulates row fragments as lists of arrays; `done()` concatenates them."""

    def __init__(self, *names: str) -> None:
        self.parts: dict[str, list[np.ndarray]] = {n: [] for n in names}

    def add(self, **cols: np.ndarray) -> None:
        n = len(next(iter(cols.values())))
        for name, parts in self.parts.items():
            value = cols[name]
            parts.append(np.broadcast_to(value, (n,)) if np.ndim(value) == 0 else np.asarray(value))

    def done(self) -> dict[str, np.ndarray]:
        return {n: np.concatenate(p) if p else np.array([]) for n, p in self.parts.items()}


class Simulator:
    def __init__(self, dicts: Dictionaries, spec: RunSpec, params: SimParams, wf: Workforce) -> None:
        self.dicts, self.spec, self.params, self.wf = dicts, spec, params, wf
        q = dicts.queues
        self.q_service = q["service_code"].to_numpy()
        self.q_offset = q["utc_offset_hours"].to_numpy().astype(np.int64)
        self.q_n = len(q)
        services = sorted(set(self.q_service))
        self.patience = np.array([params.patience_mean_sec.get(s, 120.0) for s in self.q_service])
        self.talk = np.array([params.talk_mean_sec.get(s, 300.0) for s in self.q_service])
        self.transfer_p = np.array([params.transfer_share.get(s, 0.0) for s in self.q_service])
        self.same_service = [np.flatnonzero((self.q_service == s) & (np.arange(self.q_n) != k))
                             for k, s in enumerate(self.q_service)]
        self.transfer_targets = []
        for k, s in enumerate(self.q_service):
            wanted = TRANSFER_TO.get(s, tuple(x for x in services if x != s))
            self.transfer_targets.append(np.flatnonzero(np.isin(self.q_service, wanted)))

    # -- helpers ---------------------------------------------------------------------------------
    def _pick_other(self, rng: np.random.Generator, q: np.ndarray, pools: list[np.ndarray]) -> np.ndarray:
        """A random queue from `pools[q]` for each q; -1 where the pool is empty."""
        out = np.full(len(q), -1, dtype=np.int64)
        for k in np.unique(q):
            pool = pools[k]
            if len(pool):
                m = q == k
                out[m] = pool[rng.integers(0, len(pool), m.sum())]
        return out

    def _cell(self, q: np.ndarray, ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell index of each (queue, UTC ms) in the WFM grid, and whether it lies inside the period."""
        local_sec = ms // 1000 + self.q_offset[q] * 3600
        day = local_sec // 86400 - self.wf.start_day
        inside = (day >= 0) & (day < self.spec.days)
        interval = (local_sec % 86400) // 1800
        cell = (q * self.spec.days + np.clip(day, 0, self.spec.days - 1)) * INTERVALS + interval
        return cell, inside

    def _pick_agent(self, rng: np.random.Generator, q: np.ndarray, ms: np.ndarray) -> np.ndarray:
        """resourceID of a random agent at work in the queue's team at that moment; -1 if none."""
        cell, inside = self._cell(q, ms)
        lo, hi = self.wf.cell_offsets[cell], self.wf.cell_offsets[cell + 1]
        has = inside & (hi > lo)
        pick = lo + np.floor(rng.random(len(q)) * np.maximum(hi - lo, 1)).astype(np.int64)
        slot = self.wf.cell_slots[np.minimum(pick, len(self.wf.cell_slots) - 1)]
        day = (cell // INTERVALS) % self.spec.days
        res = self.wf.holder_resource[day, slot]
        return np.where(has, res, -1)

    def _wait(self, rng: np.random.Generator, q: np.ndarray, ms: np.ndarray) -> np.ndarray:
        cell, inside = self._cell(q, ms)
        p = np.where(inside, self.wf.p_wait.ravel()[cell], 1.0)
        rate = np.where(inside, self.wf.wait_rate.ravel()[cell], 1.0 / 600.0)
        waits = rng.random(len(q)) < p
        return np.where(waits, rng.exponential(1.0, len(q)) / rate, 0.0) + rng.random(len(q)) * 1.5

    def _patience(self, rng: np.random.Generator, q: np.ndarray) -> np.ndarray:
        quick = rng.random(len(q)) < self.params.quick_hangup_share
        return np.where(quick, rng.random(len(q)) * 5.0, rng.exponential(self.patience[q]))

    # -- one day ---------------------------------------------------------------------------------
    def day(self, d: int, next_session: int) -> DayCalls:
        p, rng = self.params, stream(self.spec.seed, "calls", d)
        counts = rng.poisson(self.wf.demand[:, d, :])
        q = np.repeat(np.arange(self.q_n), counts.sum(axis=1))
        interval = np.concatenate([np.repeat(np.arange(INTERVALS), c) for c in counts])
        local_ms = (interval * 1800 + rng.random(len(q)) * 1800) * 1000
        t0 = ((self.wf.start_day + d) * 86400 - self.q_offset[q] * 3600) * 1000 + local_ms.astype(np.int64)
        order = np.argsort(t0, kind="stable")
        q, t0 = q[order], t0[order]
        n = len(q)
        session = next_session + np.arange(n, dtype=np.int64) * 3 + rng.integers(0, 3, n)
        node = 1 + (rng.random(n) < 0.5).astype(np.int64)

        redirect = rng.random(n) < p.redirect_share
        ivr = (rng.uniform(15, 60, n) * 1000).astype(np.int64)
        qleg_seq = redirect.astype(np.int64)
        qleg_start = t0 + np.where(redirect, ivr, 0)
        enter = qleg_start + (rng.uniform(8, 40, n) * 1000).astype(np.int64)

        kind = rng.random(n)
        overflow_q = self._pick_other(rng, q, self.same_service)
        multi = (kind < p.multi_queue_share) & (overflow_q >= 0)
        dequeue = (kind >= p.multi_queue_share) & (kind < p.multi_queue_share + p.dequeue_share)
        script = (kind >= p.multi_queue_share + p.dequeue_share) & (
            kind < p.multi_queue_share + p.dequeue_share + p.script_handled_share)
        requeue = dequeue & (rng.random(n) < p.requeue_after_dequeue)
        requeue_q = np.where(overflow_q >= 0, overflow_q, q)

        qrows = _Rows("contact", "seq", "q", "qindex", "qorder", "disp", "qtime", "start", "end")
        arows = _Rows("contact", "seq", "resource", "start", "end", "qindex", "ring", "talk", "hold", "work")
        cid = np.arange(n)

        # First queue stint: dequeued and script rows end early; the rest wait for an agent or give up.
        wait = self._wait(rng, q, enter)
        patience = self._patience(rng, q)
        deq_time = rng.uniform(30, 120, n)
        script_time = rng.uniform(0, 10, n)
        first_time = np.where(dequeue, deq_time, np.where(script, script_time, np.minimum(wait, patience)))
        # Second stint (re-queued after dequeue): a fresh wait in the other queue.
        enter2 = enter + (first_time * 1000).astype(np.int64)
        wait2 = self._wait(rng, requeue_q, enter2)
        patience2 = self._patience(rng, requeue_q)

        answered_q = np.where(requeue, requeue_q, q)
        by_overflow = multi & (rng.random(n) < 0.4)
        answered_q = np.where(by_overflow, overflow_q, answered_q)
        final_wait = np.where(requeue, wait2, wait)
        final_pat = np.where(requeue, patience2, patience)
        final_enter = np.where(requeue, enter2, enter)
        wants = ~(dequeue & ~requeue) & ~script & (final_pat >= final_wait)
        answer_ms = final_enter + (final_wait * 1000).astype(np.int64)
        agent = np.where(wants, self._pick_agent(rng, answered_q, answer_ms), -1)
        handled = wants & (agent >= 0)
        # A caller with no agent to reach keeps waiting until patience ends (capped at 15 minutes).
        final_time = np.where(handled, final_wait, np.minimum(final_pat, np.maximum(final_wait, 900.0)))
        abandoned = ~handled & ~(dequeue & ~requeue) & ~script
        qt_final = np.floor(final_time).astype(np.int64)
        qt_first = np.floor(first_time).astype(np.int64)
        qt_first = np.where(requeue | dequeue | script, qt_first, qt_final)

        # Queue rows of the first stint.
        d1 = np.where(script, BY_SCRIPT, np.where(dequeue, DEQUEUED, np.where(handled, HANDLED, ABANDONED)))
        d1 = np.where(multi & handled & by_overflow, ELSEWHERE, d1)
        end1 = enter + qt_first * 1000
        qrows.add(contact=cid, seq=qleg_seq, q=q, qindex=1, qorder=1, disp=d1, qtime=qt_first, start=enter,
                  end=end1)
        m = multi
        d_over = np.where(handled[m], np.where(by_overflow[m], HANDLED, ELSEWHERE), ABANDONED)
        qrows.add(contact=cid[m], seq=qleg_seq[m], q=overflow_q[m], qindex=1, qorder=2, disp=d_over,
                  qtime=qt_final[m], start=enter[m], end=enter[m] + qt_final[m] * 1000)
        m = requeue
        qrows.add(contact=cid[m], seq=qleg_seq[m], q=requeue_q[m], qindex=2, qorder=1,
                  disp=np.where(handled[m], HANDLED, ABANDONED), qtime=qt_final[m], start=enter2[m],
                  end=enter2[m] + qt_final[m] * 1000)

        # Agent rows of the answered leg (with an occasional ring-no-answer before it).
        h = np.flatnonzero(handled)
        ring = rng.integers(2, 10, len(h))
        svc_talk = self.talk[answered_q[h]]
        talk = np.maximum(20, rng.gamma(2.0, svc_talk / 2.0)).astype(np.int64)
        hold = np.where(rng.random(len(h)) < p.hold_share, rng.exponential(p.hold_mean_sec, len(h)), 0).astype(np.int64)
        work = rng.exponential(p.work_mean_sec, len(h)).astype(np.int64)
        hold = np.where(rng.random(len(h)) < p.missing_hold_share, -1, hold)
        work = np.where(rng.random(len(h)) < p.missing_work_share, -1, work)
        a_start = answer_ms[h]
        talk_end = a_start + (ring + talk + np.maximum(hold, 0)) * 1000
        a_qindex = np.where(requeue[h], 2, 1)
        rona = rng.random(len(h)) < p.rona_share
        rona_res = self._pick_agent(rng, answered_q[h], a_start - 12_000)
        rm = rona & (rona_res >= 0) & (rona_res != agent[h])
        arows.add(contact=h[rm], seq=qleg_seq[h][rm], resource=rona_res[rm], start=a_start[rm] - 12_000,
                  end=a_start[rm], qindex=a_qindex[rm], ring=12, talk=0, hold=0, work=0)
        arows.add(contact=h, seq=qleg_seq[h], resource=agent[h], start=a_start,
                  end=talk_end + np.maximum(work, 0) * 1000, qindex=a_qindex, ring=ring, talk=talk, hold=hold,
                  work=work)

        # Transfers: a new leg queued to another service's CSQ.
        xfer_q = self._pick_other(rng, answered_q, self.transfer_targets)
        xfer = handled & (rng.random(n) < self.transfer_p[answered_q]) & (xfer_q >= 0)
        talk_end_all = np.zeros(n, dtype=np.int64)
        talk_end_all[h] = talk_end
        x = np.flatnonzero(xfer)
        x_enter = talk_end_all[x] + 1000
        x_wait = self._wait(rng, xfer_q[x], x_enter)
        x_pat = self._patience(rng, xfer_q[x]) + 30.0  # a transferred caller is more patient
        x_ans = x_enter + (x_wait * 1000).astype(np.int64)
        x_agent = np.where(x_pat >= x_wait, self._pick_agent(rng, xfer_q[x], x_ans), -1)
        x_handled = x_agent >= 0
        x_qt = np.floor(np.where(x_handled, x_wait, np.minimum(x_pat, np.maximum(x_wait, 900.0)))).astype(np.int64)
        x_seq = qleg_seq[x] + 1
        qrows.add(contact=x, seq=x_seq, q=xfer_q[x], qindex=1, qorder=1,
                  disp=np.where(x_handled, HANDLED, ABANDONED), qtime=x_qt, start=x_enter, end=x_enter + x_qt * 1000)
        xh = np.flatnonzero(x_handled)
        x_talk = np.maximum(20, rng.gamma(2.0, self.talk[xfer_q[x][xh]] / 2.0)).astype(np.int64)
        x_work = rng.exponential(p.work_mean_sec, len(xh)).astype(np.int64)
        x_ring = rng.integers(2, 10, len(xh))
        x_start = x_ans[xh]
        arows.add(contact=x[xh], seq=x_seq[xh], resource=x_agent[xh], start=x_start,
                  end=x_start + (x_ring + x_talk + x_work) * 1000, qindex=1, ring=x_ring, talk=x_talk, hold=0,
                  work=x_work)
        x_end = np.where(x_handled, x_ans + 0, x_enter + x_qt * 1000)
        x_end[xh] = x_start + (x_ring + x_talk) * 1000

        # Contact call detail legs.
        legs = _Rows("contact", "session", "seq", "node", "ctype", "cdisp", "otype", "oid", "dtype", "did",
                     "start", "end", "q", "connect", "transfer", "redirect")
        m = redirect
        legs.add(contact=cid[m], session=session[m], seq=0, node=node[m], ctype=1, cdisp=2, otype=3, oid=-1,
                 dtype=2, did=-1, start=t0[m], end=qleg_start[m], q=-1, connect=0, transfer=0, redirect=1)
        final_end = np.where(handled, talk_end_all, final_enter + qt_final * 1000)
        final_end = np.where(dequeue & ~requeue, end1 + 15_000, np.where(script, end1 + 20_000, final_end))
        connect = np.zeros(n, dtype=np.int64)
        connect[h] = talk + np.maximum(hold, 0)
        cdisp = np.where(handled | script | (dequeue & ~requeue), 2, 1)
        legs.add(contact=cid, session=session, seq=qleg_seq, node=node, ctype=np.where(redirect, 4, 1),
                 cdisp=cdisp, otype=3, oid=-1, dtype=np.where(handled, 1, 2), did=agent, start=qleg_start,
                 end=final_end, q=q, connect=connect, transfer=xfer.astype(np.int64), redirect=0)
        x_connect = np.zeros(len(x), dtype=np.int64)
        x_connect[xh] = x_talk
        legs.add(contact=x, session=session[x], seq=x_seq, node=node[x], ctype=5,
                 cdisp=np.where(x_handled, 2, 1), otype=1, oid=agent[x], dtype=np.where(x_handled, 1, 2),
                 did=x_agent, start=x_enter - 1000, end=x_end, q=xfer_q[x], connect=x_connect, transfer=0,
                 redirect=0)

        # Counted outcome as the simulation intends it (the truth recomputes it from the queue rows).
        outcome = np.where(handled, HANDLED, np.where(abandoned, ABANDONED, DEQUEUED))
        contacts = {"session": session, "node": node, "t0": t0, "q": q, "answered_q": answered_q,
                    "outcome": outcome, "agent": agent, "answer_ms": answer_ms}
        extra = self._extra_calls(rng, d, session[-1] + 3 if n else next_session, t0)
        legs_done = legs.done()
        for k, v in extra.items():
            legs_done[k] = np.concatenate([legs_done[k], v])
        next_id = int(max(legs_done["session"].max() + 3, next_session)) if len(legs_done["session"]) else next_session
        return DayCalls(contacts, legs_done, qrows.done(), arows.done(), next_id)

    def _extra_calls(self, rng: np.random.Generator, d: int, base: int, t0: np.ndarray) -> dict[str, np.ndarray]:
        """IVR-only inbound calls and outbound calls: CCD rows that are not queued contacts."""
        p = self.params
        k = int(len(t0) * (p.ivr_only_share + p.outbound_share))
        if not k:
            return {n: np.array([], dtype=np.int64) for n in ("contact", "session", "seq", "node", "ctype", "cdisp",
                    "otype", "oid", "dtype", "did", "start", "end", "q", "connect", "transfer", "redirect")}
        start = np.sort(rng.choice(t0, k)) + rng.integers(-600_000, 600_000, k)
        outbound = rng.random(k) < p.outbound_share / (p.ivr_only_share + p.outbound_share)
        dur = rng.integers(20, 300, k) * 1000
        res = self.wf.holder_resource[d, rng.integers(0, self.wf.holder_resource.shape[1], k)]
        return {"contact": np.full(k, -1), "session": base + np.arange(k, dtype=np.int64) * 3,
                "seq": np.zeros(k, dtype=np.int64), "node": 1 + (rng.random(k) < 0.5).astype(np.int64),
                "ctype": np.where(outbound, 2, 1), "cdisp": np.where(rng.random(k) < 0.8, 2, 1),
                "otype": np.where(outbound, 1, 3), "oid": np.where(outbound, res, -1),
                "dtype": np.where(outbound, 3, 2), "did": np.full(k, -1), "start": start, "end": start + dur,
                "q": np.full(k, -1), "connect": np.where(outbound, dur // 1000, 0),
                "transfer": np.zeros(k, dtype=np.int64), "redirect": np.zeros(k, dtype=np.int64)}
