"""`generate()`: simulate, write each source group's extracts, plant the delivery defects, write the truth and
the manifest.

Output layout under `--out DIR`:
  DIR/inbox/<group>/<table>/<file>.csv[.gz]   the landing zone, in each source's format (groups/<group>.py)
  DIR/truth/v_cc_service_daily.csv            ground truth, view column names (UTF-8, comma, NULL = empty)
  DIR/truth/v_crm_cms_reconciliation_daily.csv
  DIR/truth/v_appeal_funnel_monthly.csv, DIR/truth/README.md (how each truth column is computed)
  DIR/truth/v_saas_churn_monthly.csv, v_saas_companies.csv   the cloud service's churn (saas_truth.py), with
        saas_subscriptions.csv, saas_company_months.csv (every company's subscriptions and months),
        saas_company_factors.csv and saas_planted_effects.json (what the simulation planted),
        saas_data_quality.csv (v_saas_data_quality's rows per extract and defect)
        saas_company_roles.csv (v_saas_company_roles: every company's active users by role)
  DIR/truth/smart_alerts.csv, v_smart_usage_daily.csv, v_smart_installations.csv   the installation monitoring
        (smart_truth.py), with smart_installations.csv (every registry version in force), smart_defects.csv,
        smart_online.csv (the online accesses, never a password) and smart_planted.json
  DIR/truth/mkt_campaign_results.csv, mkt_campaign_members.csv, mkt_planted.json   the CRM's campaigns of
        seed 003 (campaign_truth.py): counts per campaign × segment, every member, what was planted
  DIR/omnichat/chats.jsonl                    every version of every chat, served by `parebrick omnichat-api`
  DIR/manifest.json                           arguments (with the groups written), files, planted defects
`RunSpec.groups` (`--groups`) writes some groups only. The simulation is the same whatever is written, so a
group's files are byte-identical alone or with others, and the truth is always written in full: it is the
simulation's numbers. A warehouse loaded with a subset should match only the views it has the groups for:
v_cc_service_daily needs cms; v_crm_cms_reconciliation_daily cms and crm; v_appeal_funnel_monthly crm, brm
(active subscribers) and cms (`handled`). The manifest's files and defects are those of the groups written;
its `omnichat` section is there when cms is.
The steps stream: each simulated day's extracts are planted and written before the next day is simulated,
so memory holds about one day of events whatever the length of the period.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

from rich.progress import Progress

from parebrick.generate import campaign_truth, funnel, saas_truth, smart_truth, truth
from parebrick.generate.csvout import Inbox, ts_ms
from parebrick.generate.delivery import Defects, Delivered, Extract, deliver
from parebrick.generate.groups import SourceGroup, selected
from parebrick.generate.groups.saas import SaasGroup
from parebrick.generate.groups.smart import bad_line_numbers
from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.simulation import Simulation

TRUTH_FILES = {"v_cc_service_daily": "truth/v_cc_service_daily.csv",
               "v_crm_cms_reconciliation_daily": "truth/v_crm_cms_reconciliation_daily.csv",
               "v_appeal_funnel_monthly": "truth/v_appeal_funnel_monthly.csv",
               "v_saas_churn_monthly": "truth/v_saas_churn_monthly.csv",
               "v_saas_companies": "truth/v_saas_companies.csv"}
# The saas truth's other tables: every company's subscriptions and months, and what was planted.
SAAS_TRUTH_FILES = {"subscriptions": "truth/saas_subscriptions.csv", "company_months": "truth/saas_company_months.csv",
                    "company_factors": "truth/saas_company_factors.csv",
                    "data_quality": "truth/saas_data_quality.csv",
                    "company_roles": "truth/saas_company_roles.csv",
                    "planted_effects": "truth/saas_planted_effects.json"}
# The installation monitoring's truth (smart_truth.py): the published views' rows, every installation version,
# the sample's defects, its online accesses (never a password) and what was planted.
SMART_TRUTH_FILES = {"v_smart_alerts": "truth/smart_alerts.csv", "v_smart_usage_daily": "truth/v_smart_usage_daily.csv",
                     "v_smart_installations": "truth/v_smart_installations.csv",
                     "installations": "truth/smart_installations.csv", "defects": "truth/smart_defects.csv",
                     "online": "truth/smart_online.csv", "planted": "truth/smart_planted.json"}
# The campaigns' truth (campaign_truth.py): results per campaign × segment, every member, what was planted.
MKT_TRUTH_FILES = {"mkt_campaign_results": "truth/mkt_campaign_results.csv",
                   "mkt_campaign_members": "truth/mkt_campaign_members.csv", "mkt_planted": "truth/mkt_planted.json"}
TRUTH_README = "truth/README.md"


def generate(spec: RunSpec, params: SimParams | None = None, progress: bool = True) -> dict:
    """Write the sample for `spec` under `spec.out`; returns the manifest (also written as manifest.json)."""
    sim = Simulation(spec, params or SimParams())
    groups = [group(sim) for group in selected(spec.groups)]
    inbox, defects = Inbox(spec.out / "inbox", gzip=spec.gzip), Defects()
    extracts = export(sim, groups, progress)
    deliver(plant_defects(extracts, groups), inbox, defects)
    api_sections = write_api_dumps(groups, spec.out, defects)
    write_truth(sim, spec.out)
    return write_manifest(spec, sim, groups, inbox, defects, api_sections)


def export(sim: Simulation, groups: list[SourceGroup], progress: bool) -> Iterator[Extract]:
    """Every group's extracts as its source exports them, in delivery order, simulating the days on the way."""
    with Progress(disable=not progress, transient=False) as bar:
        task = bar.add_task("simulating days", total=sim.spec.days)
        for day in sim.days():
            for group in groups:
                yield from group.day_extracts(day)
            bar.advance(task)
    for group in groups:
        yield from group.last_day_extracts()
    for group in groups:
        yield from group.period_extracts()


def plant_defects(extracts: Iterable[Extract], groups: list[SourceGroup]) -> Iterator[Delivered]:
    """The delivered files: each extract through its group's `plant`."""
    by_name = {group.name: group for group in groups}
    for extract in extracts:
        yield from by_name[extract.group].plant(extract)


def write_api_dumps(groups: list[SourceGroup], out: Path, defects: Defects) -> dict:
    """What the groups' APIs serve; returns the manifest sections about it."""
    sections: dict = {}
    for group in groups:
        sections.update(group.write_api_dumps(out, defects))
    return sections


def write_truth(sim: Simulation, out: Path) -> None:
    """The published views' numbers from the simulation's own events, and how they are computed."""
    (out / "truth").mkdir(parents=True, exist_ok=True)
    dicts = sim.dicts
    saas = saas_truth.compute(sim.saas)
    frames = {"v_cc_service_daily": sim.truth.service_daily(dicts.services, dicts.territories),
              "v_crm_cms_reconciliation_daily": sim.truth.reconciliation(dicts.services),
              "v_appeal_funnel_monthly": sim.funnel.frame(sim.billed_accounts),
              "v_saas_churn_monthly": saas.churn_monthly, "v_saas_companies": saas.companies}
    for view, frame in frames.items():
        frame.to_csv(out / TRUTH_FILES[view], index=False, lineterminator="\n")
    for name, frame in (("subscriptions", saas.subscriptions), ("company_months", saas.company_months),
                        ("company_factors", saas_truth.company_factors(sim.saas)),
                        ("data_quality", saas_truth.data_quality(sim.saas, SaasGroup(sim).delivery_counts())),
                        ("company_roles", saas_truth.company_roles(sim.saas))):
        frame.to_csv(out / SAAS_TRUTH_FILES[name], index=False, lineterminator="\n")
    effects = {"as_of": saas_truth.iso(saas.as_of), **sim.saas.planted_effects()}
    (out / SAAS_TRUTH_FILES["planted_effects"]).write_text(json.dumps(effects, ensure_ascii=False, indent=1) + "\n",
                                                           encoding="utf-8")
    write_smart_truth(sim, out)
    write_campaign_truth(sim, out)
    (out / TRUTH_README).write_text(truth_readme(), encoding="utf-8")


def write_smart_truth(sim: Simulation, out: Path) -> None:
    """The installation monitoring's truth files (SMART_TRUTH_FILES)."""
    smart = smart_truth.compute(sim.smart)
    frames = {"v_smart_alerts": smart.alerts, "v_smart_usage_daily": smart.usage,
              "v_smart_installations": smart.current, "installations": smart.installations,
              "defects": smart_truth.defects(sim.smart, bad_line_numbers(sim.smart)),
              "online": smart_truth.online(sim.smart)}
    for name, frame in frames.items():
        frame.to_csv(out / SMART_TRUTH_FILES[name], index=False, lineterminator="\n")
    (out / SMART_TRUTH_FILES["planted"]).write_text(
        json.dumps(smart_truth.planted(sim.smart, smart.as_of), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")


def write_campaign_truth(sim: Simulation, out: Path) -> None:
    """The campaigns' truth files (MKT_TRUTH_FILES)."""
    c = sim.campaigns
    for name, frame in (("mkt_campaign_results", campaign_truth.results(c)),
                        ("mkt_campaign_members", campaign_truth.members(c))):
        frame.to_csv(out / MKT_TRUTH_FILES[name], index=False, lineterminator="\n")
    (out / MKT_TRUTH_FILES["mkt_planted"]).write_text(
        json.dumps(campaign_truth.planted(c, sim.params.campaigns), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")


def write_manifest(spec: RunSpec, sim: Simulation, groups: list[SourceGroup], inbox: Inbox, defects: Defects,
                   api_sections: dict) -> dict:
    """manifest.json: what was asked, the time zones, the edited queue, the defects, the truth and the files."""
    edited = sim.edited_queue
    manifest = {
        "generator": "parebrick generate",
        "arguments": {"start_date": spec.start_date.isoformat(), "days": spec.days,
                      "calls_per_day": spec.calls_per_day, "seed": spec.seed, "gzip": spec.gzip,
                      "groups": [group.name for group in groups]},
        "time_zones": dict(group.time_zone for group in groups),
        "edited_queue": {"csq_id": int(sim.dicts.queues["csq_id"].iloc[edited]), "old_recordID": edited + 1,
                         "new_recordID": sim.queue_versions.new_record,
                         "from_utc": ts_ms([sim.queue_edit_ms])[0].as_py()},
        "defects": defects.items,
        "defect_counts": defects.summary(),
        "rejected_files": defects.rejected_files,
        "truth": {**TRUTH_FILES, **{f"saas_{k}": v for k, v in SAAS_TRUTH_FILES.items()},
                  **{k if k.startswith("v_") else f"smart_{k}": v for k, v in SMART_TRUTH_FILES.items()},
                  **MKT_TRUTH_FILES,
                  "definitions": TRUTH_README,
                  "rounding": "means and percentages rounded to 6 decimals; empty = NULL"},
        "files": inbox.files,
        **api_sections,
    }
    (spec.out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")
    return manifest


def truth_readme() -> str:
    """truth/README.md: how the truth files are computed (the funnel's choices are in funnel.py)."""
    return ("# Ground truth\n\n"
            "Computed by `parebrick generate` from the simulation's own events in Python, never by reading the\n"
            "extracts back and never by SQL. UTF-8, comma-separated, empty = NULL, column names as in the\n"
            "published views (`models/view/`, metrics in `docs/metrics.md`); the rows are what the warehouse\n"
            "must produce from the inbox.\n\n"
            "## v_cc_service_daily, v_crm_cms_reconciliation_daily\n\n" + _dedent(truth.__doc__) +
            "\n## v_appeal_funnel_monthly\n\n" + _dedent(funnel.__doc__) +
            "\n## v_saas_churn_monthly, v_saas_companies (and saas_*.csv)\n\n" + _dedent(saas_truth.__doc__) +
            "\n## smart_alerts, v_smart_usage_daily, v_smart_installations (and smart_*)\n\n" +
            _dedent(smart_truth.__doc__) + "\n" + smart_truth.FILES_DOC +
            "\n## mkt_campaign_results, mkt_campaign_members, mkt_planted.json\n\n" + _dedent(campaign_truth.__doc__))


def _dedent(doc: str | None) -> str:
    first, _, rest = (doc or "").partition("\n")
    return first.strip() + "\n" + textwrap.dedent(rest).strip() + "\n"
