"""The published views as pandas DataFrames: the one way a notebook reads the warehouse.

A notebook names a view of the view layer (`v_cc_service_daily`), never a table of another layer: the
views are the contract (enforced dbt contracts, docs/metrics.md), so a notebook survives any rebuild of the
layers below. The target is the dbt target of the `parebrick` profile, as for every other command:
`target=` here, else `DBT_TARGET` (which `parebrick analyses --target` sets for the notebooks it runs), else
the profile's default. So a notebook runs unchanged on a laptop, in CI and on the team's server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from parebrick.layers import load_layers
from parebrick.warehouse import connect

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PublishedViewError(ValueError):
    """A name that is not a published view, or a column the view does not have."""


def views_database() -> str:
    """The database of the view layer (vars.layers in dbt_project.yml)."""
    return next(layer.database for layer in load_layers() if layer.name == "view")


def read_view(view: str, *, columns: Sequence[str] | None = None, where: str | None = None,
              parameters: Mapping[str, Any] | None = None, order_by: str | None = None,
              target: str | None = None) -> pd.DataFrame:
    """Rows of the published view `view` as a DataFrame.

    `where` and `order_by` are SQL over the view's columns; values go in `parameters` and are referenced
    as ClickHouse query parameters (`where="report_date >= {start:Date}", parameters={"start": day}`),
    never formatted into the text.
    """
    for name in (view, *(columns or ())):
        if not _NAME.match(name):
            raise PublishedViewError(f"{name!r} is not a plain view or column name")
    database = views_database()
    client = connect(target)
    try:
        found = client.query(
            "SELECT name FROM system.columns WHERE database = {db:String} AND table = {view:String} ORDER BY position",
            parameters={"db": database, "view": view},
        ).result_rows
        if not found:
            raise PublishedViewError(f"{view!r} is not a published view: there is no {database}.{view}")
        known = [name for (name,) in found]
        unknown = [c for c in (columns or ()) if c not in known]
        if unknown:
            raise PublishedViewError(f"{database}.{view} has no column {', '.join(unknown)}")
        select = ", ".join(f"`{c}`" for c in (columns or known))
        sql = f"SELECT {select} FROM `{database}`.`{view}`"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        return client.query_df(sql, parameters=dict(parameters or {}))
    finally:
        client.close()
