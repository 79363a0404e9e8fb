"""Getting a manifest to check: read the one given, or have dbt parse the project into a scratch folder.

Parsing into a temporary `--target-path` (and a throwaway warehouse path, though parsing opens no
connection) keeps the check away from `target/` and `.warehouse/`, which a running demo or `make docs`
may be using at the same time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


class ManifestError(RuntimeError):
    """No manifest could be read or produced; the message is one line for the terminal."""


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{path} does not exist; run `dbt parse` first or omit --manifest") from exc
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from exc


def dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if not found:
        raise ManifestError("dbt is not installed in this environment; run `make setup`")
    return found


def profiles_dir(project_dir: Path, explicit: str | None, scratch: Path) -> Path:
    """DBT_PROFILES_DIR or --profiles-dir if given, else the Makefile's `.dbt` copy, else the example profile."""
    chosen = explicit or os.environ.get("DBT_PROFILES_DIR")
    if chosen:
        return Path(chosen)
    if (project_dir / ".dbt" / "profiles.yml").exists():
        return project_dir / ".dbt"
    example = project_dir / "profiles.example.yml"
    if not example.exists():
        raise ManifestError(f"no profile: set DBT_PROFILES_DIR or add {example.name} to {project_dir}")
    shutil.copy(example, scratch / "profiles.yml")
    return scratch


def parse_project(project_dir: Path, explicit_profiles: str | None = None) -> dict[str, Any]:
    """Run `dbt parse` on the project and return its manifest; dbt's own message if parsing fails."""
    if not (project_dir / "dbt_project.yml").exists():
        raise ManifestError(f"{project_dir} has no dbt_project.yml; run from the repository root or pass --project-dir")
    with tempfile.TemporaryDirectory(prefix="parebrick-rules-") as tmp:
        scratch = Path(tmp)
        env = {
            **os.environ,
            "PAREBRICK_WAREHOUSE": os.environ.get("PAREBRICK_WAREHOUSE") or str(scratch / "warehouse"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "NO_COLOR": "1",
        }
        command = [
            dbt_executable(), "parse", "--quiet",
            "--project-dir", str(project_dir),
            "--profiles-dir", str(profiles_dir(project_dir, explicit_profiles, scratch)),
            "--target-path", str(scratch / "target"),
            "--log-path", str(scratch / "logs"),
        ]
        proc = subprocess.run(command, cwd=project_dir, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        manifest = scratch / "target" / "manifest.json"
        if proc.returncode != 0 or not manifest.exists():
            lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
            reason = " ".join(lines[-3:]) if lines else f"exit code {proc.returncode}"
            raise ManifestError(f"dbt parse failed: {reason}")
        return read_json(manifest)
