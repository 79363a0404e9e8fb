"""The run report: plain text, the same on the terminal, in the scheduler's log and in the on-call notice."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parebrick.daily.artifacts import Artifact
    from parebrick.daily.runner import Run

SLOWEST = 5
NOTICE_TAIL_LINES = 15


def render(run: Run, exit_code: int) -> str:
    where = f" at step {run.failed_step}" if run.failed_step else ""
    lines = [f"parebrick daily run {run.run_id} on target {run.target.name}: {run.status.upper()}{where} "
             f"(exit {exit_code}), started {run.started_at:%Y-%m-%d %H:%M:%S} UTC", ""]
    width = max(len(o.step) for o in run.outcomes) if run.outcomes else 4
    for o in run.outcomes:
        seconds = f"{o.seconds:7.1f} s" if o.status != "skipped" else " " * 9
        lines.append(f"  {o.step:<{width}}  {o.status:<7}  {seconds}  {o.reason}".rstrip())
    for o in run.outcomes:
        if o.artifact is None:
            continue
        if o.artifact.problems:
            lines += ["", f"{o.step}: {len(o.artifact.problems)} problem(s)"]
            lines += [f"  {problem}" for problem in o.artifact.problems[:20]]
        if o.artifact.stale:
            lines += ["", f"{o.step}: {len(o.artifact.stale)} stale source(s)"]
            lines += [f"  {stale}" for stale in o.artifact.stale]
        if o.artifact.table == "dbt_node_results":
            lines += ["", *_slowest(o.artifact)]
    if run.failed is not None and run.failed.output_tail:
        tail = run.failed.output_tail.splitlines()[-NOTICE_TAIL_LINES:]
        lines += ["", f"the last lines {run.failed.step} printed ({run.failed.command}):", *[f"  {t}" for t in tail]]
    lines += ["", "history: views.v_ops_daily_runs, v_ops_daily_steps, v_ops_node_timings, v_ops_source_freshness"]
    return "\n".join(lines)


def _slowest(artifact: Artifact) -> list[str]:
    names = artifact.names
    models = [row for row in artifact.rows if row[names.index("resource_type")] == "model"]
    models.sort(key=lambda row: row[names.index("seconds")], reverse=True)
    if not models:
        return []
    return [f"the {min(SLOWEST, len(models))} slowest models of {len(models)}:",
            *[f"  {row[names.index('seconds')]:7.1f} s  {row[names.index('node_name')]}" for row in models[:SLOWEST]]]
