"""The steps of the daily batch, in order, with their commands: the one place the batch is declared.

Each step is a command of this project (or dbt) run in its own process, exactly as a scheduler that runs the
steps itself would run it (`parebrick daily --step NAME`). A step whose settings are absent is skipped, with
the reason recorded; after a step fails, or freshness finds a stale source (alerts and notifications would
be told from data that stopped arriving), the rest are skipped. The run report always ends the run.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# A production build leaves dbt's unit tests to CI (their inputs are fixed; the Makefile's `build` does the same).
PRODUCTION_BUILD_FLAGS = ("--exclude-resource-type", "unit_test")
OMNICHAT_BASE_URL = "OMNICHAT_BASE_URL"
SMTP_HOST = "PAREBRICK_SMTP_HOST"
REPORT = "report"


@dataclass(frozen=True)
class Settings:
    """What the steps' commands are built from: the target, the project, and the run's options."""

    target: str
    project: Path
    profiles_dir: Path
    inbox: Path
    select: tuple[str, ...] = ()
    sample_manifest: Path | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def dbt_target_path(self) -> Path:
        """Where dbt writes its artifacts: DBT_TARGET_PATH (relative to the project) or the project's target/."""
        path = Path(self.env.get("DBT_TARGET_PATH") or "target")
        return path if path.is_absolute() else self.project / path


@dataclass(frozen=True)
class Step:
    name: str
    does: str
    command: Callable[[Settings], list[str]]
    # Why the step cannot run with these settings (then it is skipped); None when it can.
    skip_reason: Callable[[Settings], str | None] = lambda settings: None
    # The dbt artifact the step leaves for the audit tables: run_results.json or sources.json.
    artifact: str | None = None


def parebrick(*args: str) -> list[str]:
    beside = Path(sys.executable).parent / "parebrick"
    return [str(beside), *args] if beside.exists() else [sys.executable, "-m", "parebrick.cli", *args]


def dbt(settings: Settings, *args: str) -> list[str]:
    beside = Path(sys.executable).parent / "dbt"
    program = str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")
    selection = ("--select", *settings.select) if settings.select else ()
    return [program, *args, "--project-dir", str(settings.project), "--profiles-dir", str(settings.profiles_dir),
            "--target", settings.target, *selection]


def _load(settings: Settings) -> list[str]:
    expected = ("--expected-rejections", str(settings.sample_manifest)) if settings.sample_manifest else ()
    return parebrick("load", "--inbox", str(settings.inbox), "--target", settings.target, "--quiet", *expected)


def _no_inbox(settings: Settings) -> str | None:
    return None if settings.inbox.is_dir() else f"no inbox at {settings.inbox} (--inbox or PAREBRICK_INBOX)"


def _pull_omnichat(settings: Settings) -> list[str]:
    return parebrick("pull", "omnichat", "--base-url", settings.env.get(OMNICHAT_BASE_URL, ""),
                     "--target", settings.target, "--quiet")


def _no_omnichat(settings: Settings) -> str | None:
    return None if settings.env.get(OMNICHAT_BASE_URL) else f"{OMNICHAT_BASE_URL} is not set (no chats to pull)"


def _alerts(settings: Settings, *extra: str) -> list[str]:
    clock = ("--as-of-sample", str(settings.sample_manifest)) if settings.sample_manifest else ()
    return parebrick("alerts", "send", "--target", settings.target, *clock, *extra)


def _no_smtp(settings: Settings) -> str | None:
    return None if settings.env.get(SMTP_HOST) else f"{SMTP_HOST} is not set (no SMTP server to tell the alerts by)"


STEPS: tuple[Step, ...] = (
    Step("load", "load every new extract of the inbox into raw, exactly once", _load, _no_inbox),
    Step("pull-omnichat", "pull the chats changed since the last pull from the Omnichat API", _pull_omnichat,
         _no_omnichat),
    Step("build", "dbt build: models, seeds, snapshots and data tests (no unit tests)",
         lambda s: dbt(s, "build", *PRODUCTION_BUILD_FLAGS), artifact="run_results.json"),
    Step("freshness", "dbt source freshness: each source's newest load against its warn_after and error_after",
         lambda s: dbt(s, "source", "freshness"), artifact="sources.json"),
    Step("alerts", "what installation monitoring has to tell now (the alerts the build computed), sending nothing",
         lambda s: _alerts(s, "--dry-run")),
    Step("notifications", "tell each due alert to its recipients by SMTP", _alerts, _no_smtp),
)
NAMES: tuple[str, ...] = tuple(step.name for step in STEPS)


def selected(names: list[str] | None) -> tuple[Step, ...]:
    """The steps asked for, always in the declared order (all of them when none is named)."""
    return tuple(step for step in STEPS if not names or step.name in names)
