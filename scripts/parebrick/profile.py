"""Read a target of the dbt profile, so loaders connect exactly where dbt does.

The profile is a dbt `profiles.yml`: YAML whose strings may hold Jinja with `env_var()` and the
`as_number` / `as_bool` filters. Only that subset is rendered here; dbt renders the same file for itself.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

PROFILE_NAME = "parebrick"
_MISSING = object()


class ProfileError(RuntimeError):
    """The profile cannot be read or lacks what a connection needs."""


def project_dir() -> Path:
    """The dbt project this command works on: PAREBRICK_PROJECT_DIR, else the nearest dbt_project.yml."""
    explicit = os.environ.get("PAREBRICK_PROJECT_DIR")
    if explicit:
        return Path(explicit).resolve()
    for candidate in (Path.cwd(), *Path.cwd().parents):
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    # An editable install keeps the package inside the project (scripts/parebrick).
    return Path(__file__).resolve().parents[2]


def profiles_path() -> Path:
    """profiles.yml in DBT_PROFILES_DIR if set, otherwise the project's profiles.example.yml."""
    directory = os.environ.get("DBT_PROFILES_DIR")
    if directory:
        return Path(directory) / "profiles.yml"
    return project_dir() / "profiles.example.yml"


def _env_var(name: str, default: Any = _MISSING) -> str:
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is _MISSING:
        raise ProfileError(f"environment variable {name} is required by the profile and is not set")
    return str(default)


def _literal(text: Any, types: tuple[type, ...], kind: str) -> Any:
    try:
        value = ast.literal_eval(str(text).strip())
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, types) or (kind == "number" and isinstance(value, bool)):
        raise ProfileError(f"profile value {text!r} is not a {kind}")
    return value


def _render(value: Any, env: jinja2.Environment) -> Any:
    if isinstance(value, dict):
        return {key: _render(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item, env) for item in value]
    if isinstance(value, str) and "{{" in value:
        rendered = env.from_string(value).render()
        return yaml.safe_load(rendered) if rendered.strip() else rendered
    return value


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.globals["env_var"] = _env_var
    # As in dbt: the filters mark a value to be read as a Python literal of that type.
    env.filters["as_number"] = lambda text: _literal(text, (int, float), "number")
    env.filters["as_bool"] = lambda text: _literal(text, (bool,), "bool")
    env.filters["as_text"] = str
    return env


@dataclass(frozen=True)
class Target:
    """One output of the profile, rendered."""

    name: str
    config: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.config["type"])

    @property
    def is_embedded(self) -> bool:
        return self.type == "chdb"

    @property
    def cluster(self) -> str | None:
        """The cluster the loaders' DDL runs `ON CLUSTER` (a target with `cluster_mode`); None elsewhere."""
        if self.config.get("cluster_mode") and self.config.get("cluster"):
            return str(self.config["cluster"])
        return None

    def warehouse_path(self) -> Path:
        """The embedded engine's data directory; relative paths are taken from the project directory."""
        path = Path(str(self.config.get("path", ".warehouse"))).expanduser()
        return path if path.is_absolute() else project_dir() / path

    def backups_path(self) -> Path:
        """The embedded engine's backups directory: the profile's `backups`, else beside the warehouse."""
        from parebrick.embedded import default_backups_path

        configured = str(self.config.get("backups") or "")
        if not configured:
            return Path(default_backups_path(self.warehouse_path()))
        path = Path(configured).expanduser()
        return path if path.is_absolute() else project_dir() / path


def load_target(target: str | None = None, path: Path | None = None) -> Target:
    """The rendered output `target` (default: the profile's own default) of the `parebrick` profile."""
    path = path or profiles_path()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ProfileError(f"cannot read the dbt profile {path}: {exc.strerror}") from None
    profile = document.get(PROFILE_NAME)
    if not isinstance(profile, dict):
        raise ProfileError(f"{path} has no profile named {PROFILE_NAME!r}")
    name = target or os.environ.get("DBT_TARGET") or str(profile.get("target", "local"))
    outputs = profile.get("outputs") or {}
    if name not in outputs:
        raise ProfileError(f"profile {PROFILE_NAME!r} in {path} has no target {name!r} (has: {', '.join(outputs)})")
    config = _render(dict(outputs[name]), _environment())
    return Target(name=name, config=config)
