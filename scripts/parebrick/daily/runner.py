"""One daily run: take the lock, run the declared steps in order, record each, report, tell the on-call.

A step runs in its own process; its output goes to this one's as it comes and its last lines are kept for
the record and the notice. The run's outcome is `passed`, `failed` (a step failed, or the run could not be
recorded) or `stale` (a source is past its error_after), and only `passed` exits 0.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.exceptions import ClickHouseError

from parebrick.daily import record
from parebrick.daily.artifacts import READERS, Artifact, read
from parebrick.daily.lock import DailyLock, lock_path
from parebrick.daily.notify import ONCALL_ENV, tell_oncall
from parebrick.daily.steps import NAMES, REPORT, Settings, Step
from parebrick.embedded import WarehouseBusyError
from parebrick.profile import Target

TAIL_LINES = 30
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
Say = Callable[[str], None]


@dataclass
class Outcome:
    step: str
    position: int
    status: str
    reason: str = ""
    command: str = ""
    exit_code: int | None = None
    output_tail: str = ""
    started_at: datetime = field(default_factory=lambda: now())
    finished_at: datetime = field(default_factory=lambda: now())
    artifact: Artifact | None = None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def row(self, run_id: str) -> dict[str, Any]:
        return {**self.__dict__, "run_id": run_id, "seconds": self.seconds}


def now() -> datetime:
    return datetime.now(timezone.utc)


def _shown(command: list[str]) -> str:
    """The command as a person would type it: the program by its name, not its path in the environment."""
    return shlex.join([Path(command[0]).name, *command[1:]])


def _child_env(settings: Settings) -> dict[str, str]:
    return {**settings.env, "PAREBRICK_PROJECT_DIR": str(settings.project), "DBT_USE_COLORS": "false",
            "NO_COLOR": "1"}


def execute(step: Step, position: int, settings: Settings, run_id: str, say: Say) -> Outcome:
    command = step.command(settings)
    outcome = Outcome(step.name, position, "passed", command=_shown(command))
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    # dbt stamps its artifacts to the second at best: an artifact is this step's if it started after this.
    not_before = outcome.started_at.replace(microsecond=0)
    with subprocess.Popen(command, cwd=settings.project, env=_child_env(settings), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace") as process:
        try:
            assert process.stdout is not None
            for line in process.stdout:
                line = _ANSI.sub("", line.rstrip("\n"))
                say(f"  {line}")
                tail.append(line)
            process.wait()
        except BaseException:
            process.terminate()
            raise
    outcome.exit_code = process.returncode
    outcome.output_tail = "\n".join(tail)
    outcome.finished_at = now()
    if step.artifact:
        document = read(settings.dbt_target_path / step.artifact, not_before)
        if document is not None:
            outcome.artifact = READERS[step.artifact](run_id, document)
    _judge(outcome, step)
    return outcome


def _judge(outcome: Outcome, step: Step) -> None:
    """The step's status and its one-line reason, from its exit code and what its artifact says."""
    found = outcome.artifact
    if step.artifact and found is None:
        outcome.status = "failed"
        outcome.reason = f"dbt wrote no {step.artifact} (exit {outcome.exit_code}): {_last_line(outcome)}"
        return
    if outcome.exit_code == 0:
        warned = found is not None and step.artifact == "sources.json" and \
            sum(row[found.names.index("status")] == "warn" for row in found.rows)
        outcome.reason = f"{warned} source(s) past warn_after" if warned else ""
        return
    if found is not None and found.stale and not found.problems:
        outcome.status, outcome.reason = "stale", "; ".join(found.stale)
        return
    outcome.status = "failed"
    if found is not None and found.problems:
        outcome.reason = f"{len(found.problems)} failed: " + "; ".join(found.problems[:5])
    else:
        outcome.reason = f"exit {outcome.exit_code}: {_last_line(outcome)}"


def _last_line(outcome: Outcome) -> str:
    lines = [line.strip() for line in outcome.output_tail.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


@dataclass
class Run:
    """What one invocation of `parebrick daily` did, for its report, its notice and its record."""

    run_id: str
    target: Target
    steps: tuple[Step, ...]
    started_at: datetime = field(default_factory=now)
    outcomes: list[Outcome] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    oncall: str = ""

    @property
    def failed(self) -> Outcome | None:
        return next((o for o in self.outcomes if o.status in ("failed", "stale")), None)

    @property
    def status(self) -> str:
        if self.failed is not None:
            return self.failed.status
        return "failed" if self.unrecorded else "passed"

    @property
    def failed_step(self) -> str:
        return self.failed.step if self.failed is not None else ("record" if self.unrecorded else "")

    def event(self, status: str, exit_code: int | None, finished: datetime | None,
              notified: bool = False) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": status, "target": self.target.name,
                "steps": [step.name for step in self.steps] + [REPORT], "failed_step": self.failed_step,
                "exit_code": exit_code, "oncall_notified": notified, "host": socket.gethostname(),
                "pid": os.getpid(), "started_at": self.started_at, "finished_at": finished, "event_at": now()}


def _recorded(run: Run, what: str, write: Callable[[], None]) -> None:
    """Write to the audit tables; a write that fails is reported and fails the run, but stops nothing."""
    try:
        write()
    except (ClickHouseError, OSError, WarehouseBusyError) as exc:
        run.unrecorded.append(f"{what}: {' '.join(str(exc).split())[:300]}")


def run_daily(target: Target, settings: Settings, steps: tuple[Step, ...], say: Say) -> int:
    """Run the steps under the lock (LockHeld when another run has it); the exit code of the run."""
    run = Run(str(uuid.uuid4()), target, steps)
    with DailyLock(lock_path(target), run.run_id, f"{run.started_at:%Y-%m-%d %H:%M:%S}"):
        say(f"parebrick daily: run {run.run_id} on target {target.name}: {', '.join(s.name for s in steps)}, "
            f"{REPORT}")
        _recorded(run, "earlier runs", lambda: _close_interrupted(target))
        _recorded(run, "the run's start", lambda: record.run_event(target, run.event("running", None, None)))
        for step in steps:
            position = NAMES.index(step.name) + 1
            outcome = _next(run, step, position, settings, say)
            run.outcomes.append(outcome)
            say(f"{step.name}: {outcome.status} in {outcome.seconds:.1f} s"
                + (f" ({outcome.reason})" if outcome.reason else ""))
            _recorded(run, f"step {step.name}", lambda o=outcome: record.step(target, o.row(run.run_id)))
            if outcome.artifact is not None:
                found = outcome.artifact
                _recorded(run, found.table, lambda f=found: record.insert(target, f.table, f.names, f.rows))
        return _report(run, say)


def _next(run: Run, step: Step, position: int, settings: Settings, say: Say) -> Outcome:
    if run.failed is not None:
        return Outcome(step.name, position, "skipped", f"not run: {run.failed.step} {run.failed.status}")
    why = step.skip_reason(settings)
    if why:
        return Outcome(step.name, position, "skipped", why)
    say(f"{step.name}: {step.does}")
    return execute(step, position, settings, run.run_id, say)


def _close_interrupted(target: Target) -> None:
    for earlier in record.unfinished_runs(target):
        record.run_event(target, {**earlier, "status": "interrupted", "event_at": now()})


def _report(run: Run, say: Say) -> int:
    """The run report, the on-call notice when the run did not pass, and the run's last record."""
    from parebrick.daily.report import render

    started = now()
    exit_code = 0 if run.status == "passed" else 1
    text = render(run, exit_code)
    say(text)
    notified = False
    if run.status != "passed":
        why_not = tell_oncall(run.run_id, run.status, run.failed_step, run.target.name, text, now())
        notified = why_not is None
        run.oncall = (f"on-call notified ({os.environ.get(ONCALL_ENV, '').strip()})" if notified
                      else f"on-call NOT notified: {why_not}")
        say(run.oncall)
    report = Outcome(REPORT, len(NAMES) + 1, "passed", run.oncall, started_at=started)
    _recorded(run, "the report step", lambda: record.step(run.target, report.row(run.run_id)))
    _recorded(run, "the run's end", lambda: record.run_event(
        run.target, run.event(run.status, exit_code, now(), notified)))
    for line in run.unrecorded:
        say(f"error: not recorded in the audit tables: {line}")
    return exit_code if not run.unrecorded else 1
