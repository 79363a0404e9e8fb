"""dbt's artifacts of a step as rows of the audit tables: run_results.json (one row per node) and
sources.json (one row per source table checked). An artifact older than the step is not the step's: dbt
stopped before writing one, and nothing is stored from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from parebrick.daily.schema import DBT_NODE_RESULTS, DBT_SOURCE_FRESHNESS

PERIOD_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
PASSED = ("success", "pass", "warn", "no-op")


@dataclass(frozen=True)
class Artifact:
    """The rows of one artifact for its audit table, and what the run report and the notice say of it."""

    table: str
    names: list[str]
    rows: list[list[Any]]
    problems: list[str]  # one line each: a node that failed, a source that is stale or could not be checked
    stale: list[str]


def utc(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def read(path: Path, not_before: datetime) -> dict[str, Any] | None:
    """The artifact at `path` if this step wrote it (dbt's invocation started at or after `not_before`)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    started = utc(document.get("metadata", {}).get("invocation_started_at"))
    return document if started is not None and started >= not_before else None


def _timing(result: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    timing = result.get("timing") or []
    return (utc(timing[0].get("started_at")) if timing else None,
            utc(timing[-1].get("completed_at")) if timing else None)


def _one_line(text: Any, limit: int = 300) -> str:
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def node_results(run_id: str, document: dict[str, Any]) -> Artifact:
    meta = document["metadata"]
    generated = utc(meta["generated_at"])
    rows, problems = [], []
    for result in document.get("results", []):
        unique_id = result["unique_id"]
        # <type>.<package>.<name>[.<hash of a test>]
        resource_type, name = unique_id.split(".")[0], unique_id.split(".")[2]
        started, completed = _timing(result)
        failures = result.get("failures")
        rows.append([run_id, meta["invocation_id"], unique_id, resource_type, name, result["status"],
                     str(result.get("message") or ""), None if failures is None else int(failures),
                     float(result.get("execution_time") or 0.0), started, completed, generated])
        if result["status"] not in PASSED:
            problems.append(f"{resource_type} {name} {result['status']}: {_one_line(result.get('message'))}")
    return Artifact(DBT_NODE_RESULTS.name, DBT_NODE_RESULTS.names, rows, problems, [])


def _seconds(criterion: dict[str, Any] | None) -> float | None:
    if not criterion or criterion.get("count") is None or not criterion.get("period"):
        return None
    return float(criterion["count"]) * PERIOD_SECONDS[criterion["period"]]


def source_freshness(run_id: str, document: dict[str, Any]) -> Artifact:
    meta = document["metadata"]
    generated = utc(meta["generated_at"])
    rows, problems, stale = [], [], []
    for result in document.get("results", []):
        unique_id = result["unique_id"]
        _, _, source_name, table_name = unique_id.split(".", 3)
        criteria = result.get("criteria") or {}
        age = result.get("max_loaded_at_time_ago_in_s")
        error_after = _seconds(criteria.get("error_after"))
        message = str(result.get("error") or result.get("message") or "") if result["status"] == "runtime error" else ""
        rows.append([run_id, meta["invocation_id"], unique_id, source_name, table_name, result["status"],
                     utc(result.get("max_loaded_at")), utc(result.get("snapshotted_at")),
                     None if age is None else float(age), _seconds(criteria.get("warn_after")), error_after,
                     message, generated])
        where = f"{source_name}.{table_name}"
        if result["status"] == "error":
            hours = f"{float(age) / 3600:.1f} h" if age is not None else "never loaded"
            limit = f"{error_after / 3600:g} h" if error_after is not None else "its error_after"
            stale.append(f"{where} is stale: newest load {hours} ago, error_after {limit}")
        elif result["status"] == "runtime error":
            problems.append(f"{where} could not be checked: {_one_line(message)}")
    return Artifact(DBT_SOURCE_FRESHNESS.name, DBT_SOURCE_FRESHNESS.names, rows, problems, stale)


READERS = {"run_results.json": node_results, "sources.json": source_freshness}
