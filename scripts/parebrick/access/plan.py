"""The SQL that takes a server from its current access to the declared one, in an order that never widens
what anyone reads on the way.

Roles come first, then their row policies, and only then the grants that read through them, so no grant
exists for a moment without the policy that filters it; users and their roles follow; revokes come before
the policies they relied on are dropped. A statement creating a user, or resetting its password, carries the
name of the environment variable with the hash: printed, it shows that name; run, the hash (`Statement`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parebrick.access.declaration import AccessError
from parebrick.access.desired import Desired
from parebrick.access.state import AccessState, Grant, Policy

SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
_SECRET = "{secret}"


@dataclass(frozen=True)
class Statement:
    """One statement of the plan; `secret_env` names the variable whose value replaces `{secret}`."""

    sql: str
    secret_env: str | None = None

    def shown(self) -> str:
        """The statement as printed: the secret's variable name, never its value."""
        return self.sql.replace(_SECRET, f"<{self.secret_env}>") if self.secret_env else self.sql

    def executed(self) -> str:
        """The statement as the server receives it (only `apply` calls this)."""
        if not self.secret_env:
            return self.sql
        return self.sql.replace(_SECRET, password_hash(self.secret_env))


def password_hash(env: str) -> str:
    """The SHA-256 hash in `env`, checked (a hex digest only, so it is safe inside a literal)."""
    value = os.environ.get(env)
    if not value:
        raise AccessError(f"environment variable {env} is not set: it must hold the user's password's SHA-256 "
                          "hash (hex), e.g. printf %s 'the password' | sha256sum")
    if not SHA256_HEX.match(value.strip()):
        raise AccessError(f"environment variable {env} is not a SHA-256 hash: 64 hexadecimal digits expected")
    return value.strip().lower()


def _on(grant: Grant) -> str:
    if grant.database is None:
        return "*.*"
    return f"{grant.database}.{grant.table}" if grant.table else f"{grant.database}.*"


def _privilege(grant: Grant) -> str:
    return f"{grant.privilege}({grant.column})" if grant.column else grant.privilege


def _grant_sql(grant: Grant) -> str:
    option = " WITH GRANT OPTION" if grant.grant_option else ""
    return f"GRANT {_privilege(grant)} ON {_on(grant)} TO {grant.grantee}{option}"


def _revoke_sql(grant: Grant) -> str:
    return f"REVOKE {_privilege(grant)} ON {_on(grant)} FROM {grant.grantee}"


def _policy_sql(verb: str, policy: Policy) -> str:
    return (f"{verb} ROW POLICY {policy.name} ON {policy.database}.{policy.table} AS PERMISSIVE FOR SELECT "
            f"USING {policy.condition} TO {', '.join(policy.to)}")


def plan(desired: Desired, current: AccessState, *, reset_passwords: Iterable[str] = ()) -> list[Statement]:
    """The statements converging `current` to `desired`; none when they are equal."""
    want, have = desired.state, current
    resets = sorted(set(reset_passwords))
    not_declared = [user for user in resets if user not in want.users]
    if not_declared:
        raise AccessError(f"--reset-password {not_declared[0]}: no such user in access.yml")
    new_users = sorted(set(want.users) - set(have.users))
    for user in [*new_users, *resets]:
        password_hash(desired.password_envs[user])  # refuse now, not halfway through apply

    dropped_roles = have.roles - want.roles
    dropped_users = {user for user in set(have.users) - set(want.users) if user != have.current_user}
    # Dropped ones lose their grants with them; an undeclared user running this keeps its own.
    gone = dropped_roles | dropped_users | ({have.current_user} - set(want.users))
    have_policies = {policy.key: policy for policy in have.policies}
    want_policies = {policy.key: policy for policy in want.policies}

    statements = [Statement(f"CREATE ROLE {role}") for role in sorted(want.roles - have.roles)]
    for key, policy in sorted(want_policies.items()):
        if key not in have_policies:
            statements.append(Statement(_policy_sql("CREATE", policy)))
        elif have_policies[key] != policy:
            statements.append(Statement(_policy_sql("ALTER", policy)))
    # A partial revoke is undone by granting it again (the wider grant it cut holds it, or is revoked below).
    statements += [Statement(_grant_sql(Grant(g.grantee, g.privilege, g.database, g.table, g.column)))
                   for g in sorted(have.grants) if g.partial_revoke and g.grantee not in gone]
    have_positive = {g for g in have.grants if not g.partial_revoke}
    held = {_key(g): g.grant_option for g in have_positive}
    missing = sorted(g for g in want.grants if _key(g) not in held or g.grant_option > held[_key(g)])
    statements += [Statement(_grant_sql(grant)) for grant in missing]
    statements += [Statement(f"CREATE USER {user} IDENTIFIED WITH sha256_hash BY '{_SECRET}'",
                             desired.password_envs[user]) for user in new_users]
    statements += [Statement(f"GRANT {role} TO {grantee}")
                   for grantee, role in sorted(want.role_grants - have.role_grants)]
    statements += [Statement(f"ALTER USER {user} DEFAULT ROLE ALL")
                   for user in sorted(want.users) if user in have.users and not have.users[user]]
    statements += [Statement(f"ALTER USER {user} IDENTIFIED WITH sha256_hash BY '{_SECRET}'",
                             desired.password_envs[user]) for user in resets if user in have.users]

    statements += [Statement(f"REVOKE {role} FROM {grantee}")
                   for grantee, role in sorted(have.role_grants - want.role_grants)
                   if grantee not in gone and role not in dropped_roles]
    wanted_keys = {_key(grant) for grant in want.grants}
    for grant in sorted(have_positive - want.grants):
        if grant.grantee in gone:
            continue
        if _key(grant) in wanted_keys and grant.grant_option:
            statements.append(Statement(f"REVOKE GRANT OPTION FOR {_privilege(grant)} ON {_on(grant)} "
                                        f"FROM {grant.grantee}"))
        elif _key(grant) not in wanted_keys:
            statements.append(Statement(_revoke_sql(grant)))
    statements += [Statement(f"DROP ROW POLICY {name} ON {database}.{table}")
                   for (name, database, table) in sorted(set(have_policies) - set(want_policies))]
    statements += [Statement(f"DROP USER {user}") for user in sorted(dropped_users)]
    statements += [Statement(f"DROP ROLE {role}") for role in sorted(dropped_roles)]
    return statements


def _key(grant: Grant) -> tuple[str, str, str | None, str | None, str | None]:
    return (grant.grantee, grant.privilege, grant.database, grant.table, grant.column)


def shown(statements: Sequence[Statement]) -> list[str]:
    return [statement.shown() for statement in statements]
