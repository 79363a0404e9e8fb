"""The daily batch end to end on a tiny smart sample, in a copy of the project: a run with a model that
really fails records the failure, tells the on-call mailbox by SMTP and exits 1; once the model is fixed the
next run passes, a run started while it works gets the lock's one line, and the published views show both
runs. The SMTP server is a real one on 127.0.0.1 (pytests/alerts/smtp_sink.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from alerts import smtp_sink
from support import BIN, SMART_SELECT, run_tool, tool_env

from parebrick.embedded import open_client

ONCALL = "oncall@parebrick.test"
# The smart models and the ops views over the audit tables: what the batch builds here.
SELECT = [*SMART_SELECT[1:], "+path:models/view/ops"]
PROJECT_PARTS = ("dbt_project.yml", "profiles.example.yml", "models", "macros", "seeds", "snapshots", "tests",
                 "analyses", "docs")
# A detail model of the smart group as someone might write it: it reads a column polls do not have.
BROKEN = "select cabinet, client, polled_status from {{ ref('stg_smart__polls') }}\n"
FIXED = "select cabinet, client, http_status from {{ ref('stg_smart__polls') }}\n"
MODEL = "dtl_smart__poll_statuses"


@pytest.fixture()
def project(tmp_path: Path, repo: Path) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    for part in PROJECT_PARTS:
        source = repo / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / part)
    return copy


@pytest.fixture()
def sink():
    server = smtp_sink.start()
    yield server
    server.stop()


def daily_env(tmp_path: Path, project: Path, sink: smtp_sink.Sink) -> dict[str, str]:
    return {"PAREBRICK_PROJECT_DIR": str(project), "PAREBRICK_WAREHOUSE": str(tmp_path / "warehouse"),
            "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
            "PAREBRICK_SMTP_HOST": "127.0.0.1", "PAREBRICK_SMTP_PORT": str(sink.port),
            "PAREBRICK_SMTP_STARTTLS": "off", "PAREBRICK_SMTP_FROM": "batch@parebrick.test",
            "PAREBRICK_SMTP_USER": "", "PAREBRICK_SMTP_PASSWORD": "", "PAREBRICK_ONCALL_EMAIL": ONCALL}


def daily_args(extracts: Path) -> list[str]:
    return ["parebrick", "daily", "--inbox", str(extracts / "inbox"), "--sample", str(extracts / "manifest.json"),
            "--select", *SELECT]


def oncall_notices(sink: smtp_sink.Sink) -> list[smtp_sink.Received]:
    return [message for message in sink.received if message.recipients == (ONCALL,)]


def rows(warehouse: Path, sql: str) -> list[tuple]:
    client = open_client(warehouse)
    try:
        return list(client.query(sql).result_rows)
    finally:
        client.close()


def test_a_failed_run_is_recorded_and_told_and_the_fixed_run_passes(tmp_path, project, sink, smart_extracts):
    env = daily_env(tmp_path, project, sink)
    model = project / "models" / "detail" / "smart" / f"{MODEL}.sql"
    model.write_text(BROKEN, encoding="utf-8")

    failed = run_tool(daily_args(smart_extracts), cwd=project, env=env)
    assert failed.returncode == 1, failed.output[-4000:]
    assert "FAILED at step build" in failed.output, failed.output[-4000:]
    (notice,) = oncall_notices(sink)
    assert "failed at step build" in notice.subject
    assert MODEL in notice.body and "polled_status" in notice.body, notice.body
    alerts_told_before_the_fix = len(sink.received) - 1
    assert alerts_told_before_the_fix == 0, "a failed build stops the alerts and notifications"

    model.write_text(FIXED, encoding="utf-8")
    # The fixed run, and a second run started while it works: that one gets one line and starts nothing.
    first = subprocess.Popen([str(BIN / "parebrick"), *daily_args(smart_extracts)[1:]], cwd=project,
                             env=tool_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert first.stdout is not None
    opening = first.stdout.readline()
    assert opening.startswith("parebrick daily: run "), opening
    run_id = opening.split()[3]
    second = run_tool(daily_args(smart_extracts), cwd=project, env=env, timeout=120)
    rest = first.stdout.read()
    assert first.wait(timeout=900) == 0, (opening + rest)[-4000:]
    assert second.returncode == 75
    assert second.output.strip().count("\n") == 0 and f"run {run_id}" in second.output, second.output
    assert "PASSED" in rest and len(oncall_notices(sink)) == 1, "a passing run tells the on-call nothing"
    assert len(sink.received) > 1, "the passing run's notifications step told the sample's alerts"

    warehouse = tmp_path / "warehouse"
    runs = rows(warehouse, "SELECT run_id, status, failed_step, exit_code, oncall_notified, steps_failed, "
                           "nodes_failed FROM views.v_ops_daily_runs ORDER BY started_at")
    assert [(status, step, code, told) for _, status, step, code, told, *_ in runs] == [
        ("failed", "build", 1, True), ("passed", "", 0, False)], runs
    assert runs[1][0] == run_id and runs[0][5] == 1 and runs[0][6] >= 1 and runs[1][6] == 0

    steps = rows(warehouse, "SELECT step, groupArray(status) FROM (SELECT step, status FROM views.v_ops_daily_steps "
                            "ORDER BY run_started_at) GROUP BY step")
    assert dict(steps) == {"load": ["passed", "passed"], "pull-omnichat": ["skipped", "skipped"],
                           "build": ["failed", "passed"], "freshness": ["skipped", "passed"],
                           "alerts": ["skipped", "passed"], "notifications": ["skipped", "passed"],
                           "report": ["passed", "passed"]}

    timings = rows(warehouse, "SELECT status, seconds, previous_seconds FROM views.v_ops_node_timings "
                              f"WHERE node_name = '{MODEL}' ORDER BY run_started_at")
    assert [status for status, *_ in timings] == ["error", "success"], timings
    assert timings[1][2] == pytest.approx(timings[0][1]), "the second run knows the node's previous time"
    assert rows(warehouse, "SELECT count() FROM views.v_ops_node_timings WHERE rank_in_run = 1 AND "
                           f"resource_type = 'model' AND run_id = '{run_id}'") == [(1,)]

    fresh = rows(warehouse, "SELECT run_id, status, is_latest FROM views.v_ops_source_freshness")
    assert fresh and all(found == run_id and status == "pass" and latest for found, status, latest in fresh), fresh
