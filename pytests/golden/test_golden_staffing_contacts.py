"""Golden tests of the published numbers the analyses notebooks added: scheduled agents per interval on
v_cc_interval, against the agents the simulation itself had at `work` (recomputed from the manifest's run
arguments, never from the files or with SQL), and the contacts of v_cc_contacts counted per day, service and
territory, against the generator's truth of v_cc_service_daily."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import numpy as np

from parebrick.generate import RunSpec, SimParams, dictionaries, workforce


def simulated_agents_at_work(generated: Path, tmp_path: Path) -> dict[tuple[str, str, str], float]:
    """Agents at `work` per local interval × service × territory, from the run's own workforce plan."""
    arguments = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))["arguments"]
    spec = RunSpec(out=tmp_path, start_date=dt.date.fromisoformat(arguments["start_date"]), days=arguments["days"],
                   calls_per_day=arguments["calls_per_day"], seed=arguments["seed"])
    dicts = dictionaries.load(spec.seeds_dir)
    working = workforce.build(dicts, spec, SimParams()).working          # (queue, day, interval)
    queues = dicts.queues
    start = dt.datetime.combine(spec.start_date, dt.time())
    agents: Counter = Counter()
    for q, d, i in zip(*np.nonzero(working)):
        moment = start + dt.timedelta(days=int(d), minutes=30 * int(i))
        key = (moment.strftime("%Y-%m-%d %H:%M:%S"), queues["service_code"].iat[q], queues["territory_code"].iat[q])
        agents[key] += float(working[q, d, i])
    return dict(agents)


def test_scheduled_agents_are_the_simulations_agents_at_work(sample_warehouse, sample_extracts, tmp_path):
    truth = simulated_agents_at_work(sample_extracts, tmp_path)
    _, rows = sample_warehouse.rows(
        "SELECT toString(interval_start), service_code, territory_code, scheduled_agents FROM views.v_cc_interval"
        " WHERE scheduled_agents > 0")
    got = {(start, service, territory): agents for start, service, territory, agents in rows}
    assert truth, "the simulation scheduled someone"
    assert sorted(set(truth) - set(got))[:10] == [], "intervals with agents at work missing from the view"
    assert sorted(set(got) - set(truth))[:10] == [], "scheduled agents the simulation did not have"
    mismatches = [(key, want, got[key]) for key, want in truth.items() if abs(got[key] - want) > 1e-9]
    assert mismatches == [], f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


def test_contacts_count_to_the_truth_of_the_service_report(sample_warehouse, sample_extracts):
    with open(sample_extracts / "truth" / "v_cc_service_daily.csv", newline="", encoding="utf-8") as handle:
        truth = {(row["report_date"], row["service_code"], row["territory_code"]):
                 (int(row["offered"]), int(row["handled"]), int(row["abandoned"]), int(row["short_abandoned"]),
                  int(row["handled_within_sl"]))
                 for row in csv.DictReader(handle)}
    _, rows = sample_warehouse.rows(
        "SELECT toString(report_date), service_code, territory_code, count(), countIf(outcome = 'handled'),"
        " countIf(outcome = 'abandoned'), sum(is_short_abandon), sum(is_handled_within_sl)"
        " FROM views.v_cc_contacts GROUP BY report_date, service_code, territory_code")
    got = {tuple(row[:3]): tuple(int(v) for v in row[3:]) for row in rows}
    assert truth and sorted(got) == sorted(truth)
    mismatches = [(key, want, got[key]) for key, want in truth.items() if got[key] != want]
    assert mismatches == [], f"{len(mismatches)} mismatches, first: {mismatches[:10]}"
