"""dbt adapter plugin `chdb`: dbt-clickhouse on the embedded ClickHouse engine.

Everything (macros, materializations, relations, columns) is inherited from dbt-clickhouse; only the
transport differs. Declaring `clickhouse` as a dependency makes dbt's dispatch fall through from
`chdb__` to the `clickhouse__` implementations, so no macro is copied here.
"""

from dbt.adapters.base import AdapterPlugin
from dbt.adapters.chdb.connections import ChdbConnectionManager  # noqa: F401
from dbt.adapters.chdb.credentials import ChdbCredentials
from dbt.adapters.chdb.impl import ChdbAdapter
from dbt.include import chdb

Plugin = AdapterPlugin(
    adapter=ChdbAdapter,
    credentials=ChdbCredentials,
    include_path=chdb.PACKAGE_PATH,
    dependencies=["clickhouse"],
)
