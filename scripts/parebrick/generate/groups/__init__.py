"""The source groups the generator writes, one module each, registered in `REGISTRY` below.

Layout, and why:
  * `generate/simulation.py` simulates the contact center once (calls, chats, appeals, staff, accounts) and
    accumulates the ground truth. It does not know about files, so it is the same whichever groups are
    written, and a group's files are byte-identical whether it is written alone or with others.
  * `generate/groups/<group>.py` turns that simulation into the group's extracts, exactly in its source
    system's format, and plants the delivery defects of that source (`SourceGroup.plant`). Everything
    about one source's files (names, cuts, dialect, defects) is in its one module.
  * The modules beside `simulation.py` (calls.py, workforce.py, customers.py, chats.py, crm.py, billing.py,
    uccx.py …) are the simulation's parts and the format helpers the groups share; `delivery.py` holds what
    every group's files go through (extracts, delivered files, the defect record).
A new group (its own module, a `SourceGroup` subclass) is added to `REGISTRY`; nothing else changes. If it
needs events of its own, it draws them in its module from its own named random streams (`rng.stream`),
reading but never changing the shared simulation. A group whose domain is a world apart (saas: a cloud
service's companies, not the contact center; smart: installation monitoring) has its simulation beside the
others (`subscriptions.py`, `monitoring.py`), reached through a lazy attribute of `Simulation` with its own
streams, so its truth exists whichever groups are written and the other groups' files do not change because
it is there. Registry order is delivery order: within each phase of a run (see `SourceGroup`) the groups' files
come in this order, and the manifest lists them so.
"""

from __future__ import annotations

from collections.abc import Iterable

from parebrick.generate.groups.base import SourceGroup
from parebrick.generate.groups.brm import BrmGroup
from parebrick.generate.groups.cms import CmsGroup
from parebrick.generate.groups.crm import CrmGroup
from parebrick.generate.groups.saas import SaasGroup
from parebrick.generate.groups.smart import SmartGroup
from parebrick.generate.groups.wfm import WfmGroup

REGISTRY: tuple[type[SourceGroup], ...] = (CmsGroup, CrmGroup, WfmGroup, BrmGroup, SaasGroup, SmartGroup)
GROUPS: dict[str, type[SourceGroup]] = {g.name: g for g in REGISTRY}


class UnknownGroupError(ValueError):
    """A group name that is not registered, or no group at all."""


def selected(names: Iterable[str] | None) -> list[type[SourceGroup]]:
    """The groups named (all when None), in registry order whatever the order asked."""
    if names is None:
        return list(REGISTRY)
    wanted = set(names)
    unknown = sorted(wanted - set(GROUPS))
    if unknown or not wanted:
        raise UnknownGroupError(f"unknown source group(s): {', '.join(unknown) or '(none given)'}; "
                                f"the groups are {', '.join(GROUPS)}")
    return [g for g in REGISTRY if g.name in wanted]


__all__ = ["GROUPS", "REGISTRY", "SourceGroup", "UnknownGroupError", "selected"]
