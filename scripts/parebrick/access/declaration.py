"""The reviewed access declaration, `access.yml` at the project root: roles, cabinet roles and users.

This module only reads and checks the file; what it means on a server (which databases, which tables, which
policies) is `desired.py`'s, which needs the layers, the cabinets and the target's tables too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from parebrick.profile import project_dir

DECLARATION = "access.yml"
# Role, user and database names go into SQL unquoted: lower-case identifiers only.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
PRIVILEGE = re.compile(r"^[A-Z][A-Z ]*[A-Z]$")


class AccessError(ValueError):
    """The declaration (or a state to compare it with) cannot be turned into a plan; the message says why."""


@dataclass(frozen=True)
class GrantSpec:
    """Privileges on layers' databases, other databases, or everything (`global`)."""

    privileges: tuple[str, ...]
    layers: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    is_global: bool = False
    grant_option: bool = False


@dataclass(frozen=True)
class RoleSpec:
    name: str
    about: str
    # Layers read with the views' rights followed (desired.read_databases).
    select: tuple[str, ...]
    grants: tuple[GrantSpec, ...]
    all_cabinets: bool


@dataclass(frozen=True)
class UserSpec:
    name: str
    roles: tuple[str, ...]
    password_env: str


@dataclass(frozen=True)
class Declaration:
    roles: dict[str, RoleSpec]
    # Layers whose relations with a `cabinet` column each cabinet role may read.
    cabinet_select: tuple[str, ...]
    users: dict[str, UserSpec]


def read_declaration(path: Path | None = None) -> Declaration:
    """The declaration at `path` (default: the project's access.yml), checked for what needs no server."""
    source = path or project_dir() / DECLARATION
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise AccessError(f"cannot read the access declaration {source}: {exc.strerror}") from None
    if not isinstance(document, dict):
        raise AccessError(f"{source}: expected a mapping with roles, cabinet_roles and users")
    unknown = sorted(set(document) - {"roles", "cabinet_roles", "users"})
    if unknown:
        raise AccessError(f"{source}: unknown key {unknown[0]!r} (expected roles, cabinet_roles, users)")
    roles = {name: _role(name, body, source) for name, body in _mapping(document, "roles", source).items()}
    cabinet = _mapping(document, "cabinet_roles", source)
    users = {name: _user(name, body, source) for name, body in _mapping(document, "users", source).items()}
    return Declaration(roles=roles, cabinet_select=_names(cabinet.get("select"), "cabinet_roles.select", source),
                       users=users)


def _mapping(document: dict[str, Any], key: str, source: Path) -> dict[str, Any]:
    value = document.get(key) or {}
    if not isinstance(value, dict):
        raise AccessError(f"{source}: {key} must be a mapping")
    return value


def _names(value: Any, where: str, source: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and NAME.match(item) for item in value):
        raise AccessError(f"{source}: {where} must be a list of lower-case names, got {value!r}")
    return tuple(value)


def _role(name: str, body: Any, source: Path) -> RoleSpec:
    if not NAME.match(str(name)):
        raise AccessError(f"{source}: role {name!r}: names are lower-case letters, digits and '_'")
    if not isinstance(body, dict):
        raise AccessError(f"{source}: role {name!r} must be a mapping")
    unknown = sorted(set(body) - {"about", "select", "grants", "all_cabinets"})
    if unknown:
        raise AccessError(f"{source}: role {name!r}: unknown key {unknown[0]!r}")
    grants = body.get("grants") or []
    if not isinstance(grants, list):
        raise AccessError(f"{source}: role {name!r}: grants must be a list")
    return RoleSpec(name=name, about=str(body.get("about") or ""),
                    select=_names(body.get("select"), f"role {name!r} select", source),
                    grants=tuple(_grant(name, grant, source) for grant in grants),
                    all_cabinets=bool(body.get("all_cabinets", False)))


def _grant(role: str, body: Any, source: Path) -> GrantSpec:
    where = f"role {role!r} grants"
    if not isinstance(body, dict):
        raise AccessError(f"{source}: {where}: each entry is a mapping")
    privileges = body.get("privileges")
    if not isinstance(privileges, list) or not privileges:
        raise AccessError(f"{source}: {where}: each entry lists its privileges")
    normal = tuple(" ".join(str(item).upper().split()) for item in privileges)
    bad = [item for item in normal if not PRIVILEGE.match(item)]
    if bad:
        raise AccessError(f"{source}: {where}: {bad[0]!r} is not a privilege name")
    spec = GrantSpec(privileges=normal, layers=_names(body.get("layers"), f"{where} layers", source),
                     databases=_names(body.get("databases"), f"{where} databases", source),
                     is_global=bool(body.get("global", False)), grant_option=bool(body.get("grant_option", False)))
    if spec.is_global == bool(spec.layers or spec.databases):
        raise AccessError(f"{source}: {where}: an entry is either global or on layers and databases")
    return spec


def _user(name: str, body: Any, source: Path) -> UserSpec:
    if not NAME.match(str(name)):
        raise AccessError(f"{source}: user {name!r}: names are lower-case letters, digits and '_'")
    if not isinstance(body, dict):
        raise AccessError(f"{source}: user {name!r} must be a mapping")
    unknown = sorted(set(body) - {"roles", "password_sha256_env"})
    if unknown:
        raise AccessError(f"{source}: user {name!r}: unknown key {unknown[0]!r} (users hold roles, never grants)")
    env = str(body.get("password_sha256_env") or "")
    if not ENV_NAME.match(env):
        raise AccessError(f"{source}: user {name!r} needs password_sha256_env, the name of the environment "
                          "variable holding its password's SHA-256 hash")
    user_roles = _names(body.get("roles"), f"user {name!r} roles", source)
    if not user_roles:
        raise AccessError(f"{source}: user {name!r} has no roles")
    return UserSpec(name=name, roles=user_roles, password_env=env)
