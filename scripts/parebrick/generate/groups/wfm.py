"""wfm: the workforce-management exports: staff, schedules and forecasts
(`models/staging/wfm/_wfm__sources.yml`). Local times of the operator's territory, without offset.

Staff is one file as of the period's last day (a row per operator version: a move to another team is a new
`valid_from`); schedules one file per week of the period; forecasts one file per publication (the weekly
ones, a re-forecast and a late revision published after its days, which must not count for accuracy).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from parebrick.generate import workforce
from parebrick.generate.csvout import date_str, table_of, ts_sec
from parebrick.generate.delivery import Extract, day_stamp
from parebrick.generate.groups.base import SourceGroup
from parebrick.generate.simulation import DAY_SEC

ACTIVITIES = np.array(["work", "break", "training", "meeting", "absence"])   # workforce.py's activity labels
INTERVAL_SEC = DAY_SEC // workforce.INTERVALS                                  # the 30-minute planning grid
DAYS_PER_FILE = 7                                                              # schedules go out weekly


class WfmGroup(SourceGroup):
    name = "wfm"
    time_zone = ("wfm", "local time of the operator's territory")

    def period_extracts(self) -> Iterator[Extract]:
        yield self._staff()
        yield from self._schedules()
        yield from self._forecasts()

    def _staff(self) -> Extract:
        """One row per operator version, with the team (the queue's name) and the queue's service and territory."""
        wf, q = self.sim.workforce, self.sim.dicts.queues
        team_names = np.array([s.removeprefix("CSQ_") for s in q["csq_name"]])
        ops = np.array([v[0] for v in wf.versions])
        vq = np.array([v[1] for v in wf.versions])
        vfrom = np.array([v[2] for v in wf.versions])
        fired = wf.op_fired[ops]
        staff = {"operator_login": [wf.op_login[o] for o in ops], "resource_login_id": [wf.op_login[o] for o in ops],
                 "full_name": [wf.op_name[o] for o in ops], "team": team_names[vq],
                 "service_code": q["service_code"].to_numpy()[vq], "territory_code": q["territory_code"].to_numpy()[vq],
                 "rate": [f"{r:.2f}" for r in wf.op_rate[ops]], "hired_at": date_str(wf.op_hired[ops]),
                 "fired_at": date_str(np.maximum(fired, 0), missing=fired < 0), "valid_from": date_str(vfrom)}
        end = day_stamp(wf.start_day + self.sim.spec.days - 1)
        return Extract(self.name, "staff", f"staff_{end}", table_of(staff))

    def _schedules(self) -> Iterator[Extract]:
        """The schedule rows by operator, day and start, one file per week of the period."""
        wf = self.sim.workforce
        sh = wf.shifts
        order = np.lexsort((sh["start_min"], sh["day"], sh["operator"]))
        sh = {k: v[order] for k, v in sh.items()}
        week = (sh["day"] - wf.start_day) // DAYS_PER_FILE
        for w in np.unique(week):
            m = week == w
            day_sec = sh["day"][m] * DAY_SEC
            cols = {"operator_login": np.array(wf.op_login)[sh["operator"][m]], "shift_date": date_str(sh["day"][m]),
                    "activity": ACTIVITIES[sh["activity"][m]],
                    "activity_start": ts_sec(day_sec + sh["start_min"][m] * 60),
                    "activity_end": ts_sec(day_sec + sh["end_min"][m] * 60)}
            yield Extract(self.name, "schedules", f"schedules_week{int(w) + 1:02d}", table_of(cols))

    def _forecasts(self) -> Iterator[Extract]:
        """Every interval of every queue and day a publication covers, as published."""
        wf, q = self.sim.workforce, self.sim.dicts.queues
        for pub in wf.forecast_pubs:
            days = pub["days"]
            qq, dd, ii = np.meshgrid(np.arange(len(q)), np.arange(len(days)), np.arange(workforce.INTERVALS),
                                     indexing="ij")
            qq, dd, ii = qq.ravel(), dd.ravel(), ii.ravel()
            f = wf.forecast[qq, days[dd], ii] * pub["factor"][qq, dd, ii]
            day_abs = wf.start_day + days[dd]
            cols = {"service_code": q["service_code"].to_numpy()[qq],
                    "territory_code": q["territory_code"].to_numpy()[qq],
                    "interval_start": ts_sec(day_abs * DAY_SEC + ii * INTERVAL_SEC),
                    "forecast_offered": [f"{x:.2f}" for x in f],
                    "forecast_aht_sec": np.round(wf.aht_sec[qq]).astype(int),
                    "required_agents": wf.required[qq, days[dd], ii],
                    "published_at": ts_sec(wf.start_day * DAY_SEC + pub["pub_min"][dd] * 60)}
            yield Extract(self.name, "forecasts", f"forecasts_{pub['name']}", table_of(cols))
