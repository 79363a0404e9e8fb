"""What the declaration means on one server: its roles, grants, users and row policies, as the server would
show them once converged.

The layers' databases come from vars.layers; the cabinet roles and their policies from the cabinets
dictionary (`row_policies.cabinet_policies`); which tables carry a cabinet, and which layers hold views,
from the server's own relations. It refuses a declaration under which a user would read a table that has
row policies while none of them names the user: ClickHouse lets such a user read every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parebrick.access.cabinets import Cabinet
from parebrick.access.declaration import AccessError, Declaration, RoleSpec
from parebrick.access.row_policies import ROLE_PREFIX, Table, cabinet_policies, role_name
from parebrick.access.state import AccessState, Grant, Policy, Relation
from parebrick.layers import Layer

# A role whose policy lets it read every cabinet's rows of a table.
ALL_ROWS = "1"


@dataclass(frozen=True)
class Desired:
    state: AccessState
    # User -> the environment variable holding its password's SHA-256 hash.
    password_envs: dict[str, str]


def read_databases(selected: Sequence[str], layers: Sequence[Layer], relations: Sequence[Relation]) -> set[str]:
    """The databases a role reading these layers needs: theirs, and, for a layer holding views (which read
    with the reader's rights), the layers its models read (vars.layers `reads`, dictionaries, snapshots)."""
    by_name = {layer.name: layer for layer in layers}
    read_by_any_model = [layer.name for layer in layers if layer.folder and not layer.is_model_layer]
    view_databases = {relation.database for relation in relations if relation.is_view}
    seen: set[str] = set()
    todo = list(selected)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in by_name:
            raise AccessError(f"access.yml names layer {name!r}; dbt_project.yml vars.layers has "
                              f"{', '.join(by_name)}")
        seen.add(name)
        layer = by_name[name]
        if layer.database in view_databases and layer.is_model_layer:
            todo += [*layer.reads, *read_by_any_model]
    return {by_name[name].database for name in seen}


def _layer_databases(names: Sequence[str], layers: Sequence[Layer]) -> list[str]:
    by_name = {layer.name: layer.database for layer in layers}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise AccessError(f"access.yml names layer {unknown[0]!r}; dbt_project.yml vars.layers has "
                          f"{', '.join(by_name)}")
    return [by_name[name] for name in names]


def _role_grants(role: RoleSpec, layers: Sequence[Layer], relations: Sequence[Relation]) -> set[Grant]:
    grants = {Grant(role.name, "SELECT", database, None) for database in read_databases(role.select, layers, relations)}
    for spec in role.grants:
        scopes: list[str | None] = [None] if spec.is_global else \
            [*_layer_databases(spec.layers, layers), *spec.databases]
        grants |= {Grant(role.name, privilege, database, None, grant_option=spec.grant_option)
                   for privilege in spec.privileges for database in scopes}
    return grants


def _without_covered(grants: set[Grant]) -> frozenset[Grant]:
    """ClickHouse keeps only the widest of grants that hold one another; so does the declaration."""
    return frozenset(grant for grant in grants
                     if not any(other != grant and other.covers(grant) for other in grants))


def desired_state(declaration: Declaration, layers: Sequence[Layer], cabinets: Sequence[Cabinet],
                  current: AccessState) -> Desired:
    """The state the declaration asks of the server whose relations `current` recorded."""
    relations = current.relations
    cabinet_roles = {role_name(cabinet.name): cabinet.name for cabinet in cabinets}
    clashing = sorted(name for name in declaration.roles if name.startswith(ROLE_PREFIX))
    if clashing:
        raise AccessError(f"access.yml declares role {clashing[0]!r}: names starting {ROLE_PREFIX} are the "
                          "cabinets' roles, generated from the cabinets dictionary")
    roles = set(declaration.roles) | set(cabinet_roles)
    isolated = [Table(r.database, r.name) for r in relations if r.has_cabinet and not r.is_view]

    grants: set[Grant] = set()
    for role in declaration.roles.values():
        grants |= _role_grants(role, layers, relations)
    cabinet_databases = set(_layer_databases(declaration.cabinet_select, layers))
    readable = [r for r in relations if r.has_cabinet and r.database in cabinet_databases]
    grants |= {Grant(role, "SELECT", r.database, r.name) for role in cabinet_roles for r in readable}

    policies = {Policy(p.role, p.table.database, p.table.name, p.condition, (p.role,))
                for p in cabinet_policies(cabinets, isolated)}
    # A role reading every cabinet gets its policy on the tables it may read (without one it reads them all
    # only while the server's users_without_row_policies_can_read_rows says so, and nothing says it is
    # covered).
    normal = _without_covered(grants)
    policies |= {Policy(role.name, table.database, table.name, ALL_ROWS, (role.name,))
                 for role in declaration.roles.values() if role.all_cabinets for table in isolated
                 if _may_select(normal, {role.name}, table.database, table.name)}

    for user in declaration.users.values():
        unknown = [role for role in user.roles if role not in roles]
        if unknown:
            raise AccessError(f"access.yml: user {user.name!r} has role {unknown[0]!r}, which is neither declared "
                              "nor a cabinet's")
        if user.name in roles:
            raise AccessError(f"access.yml: {user.name!r} is both a user and a role")
    state = AccessState(
        roles=frozenset(roles),
        users={name: True for name in declaration.users},
        role_grants=frozenset((user.name, role) for user in declaration.users.values() for role in user.roles),
        grants=normal,
        policies=frozenset(policies),
        relations=relations,
        current_user=current.current_user,
    )
    check_policies_cover_users(state, {name: user.roles for name, user in declaration.users.items()})
    return Desired(state, {name: user.password_env for name, user in declaration.users.items()})


def check_policies_cover_users(state: AccessState, users: dict[str, tuple[str, ...]]) -> None:
    """Refuse a user who may read a table with row policies that do not name it (it would read every row),
    and a user whose roles' policies on one table differ (ClickHouse joins them with OR: the wider wins)."""
    by_table: dict[tuple[str, str], list[Policy]] = {}
    for policy in state.policies:
        by_table.setdefault((policy.database, policy.table), []).append(policy)
    for user, roles in sorted(users.items()):
        names = {user, *roles}
        for (database, table), policies in sorted(by_table.items()):
            if not _may_select(state.grants, names, database, table):
                continue
            own = [policy for policy in policies if names & set(policy.to)]
            if not own:
                raise AccessError(
                    f"user {user!r} may read {database}.{table}, which has row policies, but none names it or its "
                    f"roles ({', '.join(roles)}), so it would read every row: give one of its roles "
                    "`all_cabinets: true` or a cabinet's role")
            if len({policy.condition for policy in own}) > 1:
                raise AccessError(
                    f"user {user!r} holds roles whose row policies on {database}.{table} differ "
                    f"({', '.join(sorted(p.name for p in own))}); ClickHouse gives it the rows of either: "
                    "keep a cabinet's role apart from the roles that read every cabinet")


def _may_select(grants: frozenset[Grant], grantees: set[str], database: str, table: str) -> bool:
    wanted = [Grant(grantee, "SELECT", database, table) for grantee in grantees]
    return any(grant.covers(one) for grant in grants for one in wanted)
