"""The simulation every source group's extracts are written from: one contact center, its customers
and its systems, simulated once and the same whichever groups are written.

`Simulation(spec, params)` builds what is fixed for the period (dictionaries, the WFM plan and its agents,
the subscriber base, the queue edited mid-period); `days()` then simulates the local days one at a time
(calls, chats, appeals), so memory holds one day of events. The ground truth (`truth`, `funnel`) accumulates
as the days run. Every random draw comes from a named stream (`rng.stream`), so what a group draws for its
own files never changes the simulation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from parebrick.generate import (calls, campaigns, chats, crm, customers, dictionaries, funnel, monitoring,
                                subscriptions, uccx, workforce)
from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.rng import stream
from parebrick.generate.truth import Truth

# The first sessionID: the sample's UCCX session ids have 13 digits (crm.py relies on it for mistyped refs).
SESSION_BASE = 1_000_000_000_000
# The edited queue changes at 03:00 UTC (06:00 Moscow, before the morning peak) of the period's middle day.
QUEUE_EDIT_UTC_HOUR = 3
DAY_SEC = 86_400
HOUR_SEC = 3_600


@dataclass(frozen=True)
class SimDay:
    """One simulated local day: its events, and which extract days no later day can add rows to."""

    index: int                          # 0 = the first local date
    calls: calls.DayCalls
    chats: chats.DayChats
    appeals: dict[str, np.ndarray]      # the day's appeals in their final state (crm.AppealMaker)
    complete_through: int               # extract days (Moscow days since the epoch) up to this one are complete


class Simulation:
    """The period's fixed world, its ground truth, and `days()` to simulate it."""

    def __init__(self, spec: RunSpec, params: SimParams) -> None:
        self.spec, self.params = spec, params
        self.dicts = dictionaries.load(spec.seeds_dir)
        self.dicts.calendar_days(spec.start_date, spec.days)     # fails early if the calendar seed lacks a day
        self.workforce = workforce.build(self.dicts, spec, params)
        self.start_day = self.workforce.start_day
        # The first extract day: the Moscow day before the first local date, when the calls of the
        # territories east of Moscow start.
        self.first_extract_day = self.start_day - 1
        self.accounts = customers.build(self.dicts, spec, params, self.start_day)
        versions = self.workforce.versions
        self.login_of_resource = {int(r): self.workforce.op_login[v[0]]
                                  for r, v in zip(self.workforce.resource_of_version, versions)}
        self.extension_of_resource = _extensions(self.workforce)
        self.edited_queue = int(stream(spec.seed, "queue-edit").integers(0, len(self.dicts.queues)))
        self.queue_edit_ms = ((self.start_day + spec.days // 2) * DAY_SEC + QUEUE_EDIT_UTC_HOUR * HOUR_SEC) * 1000
        self.queue_versions = uccx.QueueVersions(self.dicts, self.edited_queue, self.queue_edit_ms)
        self.truth = Truth(self.dicts.queues)
        self.funnel = funnel.Funnel(self.dicts.territories, self.dicts.products, self.accounts)
        self._calls = calls.Simulator(self.dicts, spec, params, self.workforce)
        self._appeals = crm.AppealMaker(self.dicts.queues, self.dicts.territories, self.dicts.products,
                                        self.dicts.services, self.accounts, params, self.login_of_resource)
        self.chats = chats.ChatMaker(self._appeals.q_service, self._appeals.q_terr, self._appeals.q_national,
                                     self._appeals.t_code, self.workforce.slot_team, self.accounts, params)

    @cached_property
    def saas(self) -> subscriptions.Saas:
        """The cloud service of seed 004: a world of its own (its span ends at the run's last day), simulated
        on first use from its own `saas-*` streams, so the contact center's draws never depend on it."""
        last_day = (self.spec.start_date - dictionaries.EPOCH_DATE).days + self.spec.days - 1
        return subscriptions.simulate(dictionaries.load_saas(self.spec.seeds_dir), self.params.saas,
                                      self.spec.seed, last_day)

    @cached_property
    def smart(self) -> monitoring.Monitoring:
        """The installation monitoring of seed 002: a world of its own (its span ends at the run's last day),
        simulated on first use from its own `smart-*` streams, like `saas`."""
        last_day = (self.spec.start_date - dictionaries.EPOCH_DATE).days + self.spec.days - 1
        return monitoring.simulate(dictionaries.load_smart_cabinets(self.spec.seeds_dir), self.dicts.calendar,
                                   self.params.smart, self.spec.seed, last_day)

    @cached_property
    def campaigns(self) -> campaigns.Campaigns:
        """The CRM's campaigns of seed 003 over the subscriber base (their span ends at the run's last day),
        drawn on first use from their own `campaign-*` streams: the contact center's draws never depend on them.
        Their contracts are billing's (`billed_accounts`, groups/brm.py)."""
        last_day = self.start_day + self.spec.days - 1
        return campaigns.simulate(self.accounts, self.dicts.products, self.params.campaigns, self.spec.seed, last_day)

    @cached_property
    def billed_accounts(self) -> customers.Accounts:
        """Every account billing delivers: the subscriber base and the accounts campaign contracts opened."""
        return customers.concat(self.accounts, self.campaigns.new_accounts)

    def days(self) -> Iterator[SimDay]:
        """Simulate the local days in order; each is added to the truth before it is handed on."""
        next_session = SESSION_BASE
        for d in range(self.spec.days):
            day_calls = self._calls.day(d, next_session)
            next_session = day_calls.next_session
            facts = self.truth.add_day(day_calls.contacts, day_calls.qrows, day_calls.arows)
            day_chats = self.chats.day(stream(self.spec.seed, "chats", d), day_calls.contacts, self._holders(d))
            appeals, recon = self._appeals.day(stream(self.spec.seed, "crm", d), day_calls.contacts, facts,
                                               day_chats)
            self.truth.add_recon(recon)
            self.funnel.add_appeals(appeals)
            # Local day d starts at most a day earlier in Moscow time (territories are up to 7 hours east of
            # Moscow), so later days add nothing to the extract days before the Moscow day before d.
            yield SimDay(d, day_calls, day_chats, appeals, complete_through=self.start_day + d - 1)

    def _holders(self, d: int) -> np.ndarray:
        """The login of the operator in each team slot on day `d`."""
        return np.array([self.login_of_resource[int(r)] for r in self.workforce.holder_resource[d]], dtype=object)


def _extensions(wf: workforce.Workforce) -> np.ndarray:
    """The phone extension of each resourceID (indexable by resourceID): the operator's, kept across versions."""
    res_ids = wf.resource_of_version
    out = np.zeros(int(res_ids.max()) + 1, dtype=np.int64)
    out[res_ids] = uccx.EXTENSION_BASE + np.array([v[0] for v in wf.versions])
    return out
