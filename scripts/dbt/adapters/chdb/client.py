"""The transport: dbt-clickhouse's HTTP client wrapper, pointed at clickhouse-connect's chDB interface.

dbt-clickhouse talks to clickhouse-connect through `ChHttpClient`; clickhouse-connect offers the same client
API over an in-process chDB engine. So the wrapper is reused whole and only the client it wraps changes,
with one exception: how a query's columns are learnt (see `columns_in_query`).
"""

from clickhouse_connect.driver.exceptions import DatabaseError, OperationalError
from dbt.adapters.clickhouse.column import ClickHouseColumn
from dbt.adapters.clickhouse.dbclient import ChRetryableException
from dbt.adapters.clickhouse.httpclient import ChHttpClient
from dbt.adapters.clickhouse.util import hide_stack_trace
from dbt.adapters.exceptions import FailedToConnectError
from dbt_common.exceptions import DbtDatabaseError

from parebrick.embedded import WarehouseBusyError, open_client


class ChdbClient(ChHttpClient):
    def _create_client(self, credentials):
        try:
            return open_client(credentials.path, settings=self._conn_settings,
                               backups=credentials.backups or None)
        except WarehouseBusyError as exc:
            raise FailedToConnectError(str(exc)) from None
        except OperationalError as exc:
            raise ChRetryableException(str(exc)) from exc

    def columns_in_query(self, sql: str, **kwargs) -> list[ClickHouseColumn]:
        """The query's columns as the engine's analysis types them (`DESCRIBE`), without running it.

        dbt asks for them before every incremental run and for every contract. The inherited way,
        `SELECT * FROM (sql) LIMIT 0`, still builds the query's `IN` sets and scalar subqueries first,
        which for the contacts' incremental run is a pass over the lookback window's calls.
        """
        try:
            described = self._client.query(f"DESCRIBE TABLE ( \n{sql} \n)", **kwargs)
        except DatabaseError as exc:
            raise DbtDatabaseError(hide_stack_trace(exc)) from exc
        return [ClickHouseColumn.create(row[0], row[1]) for row in described.result_rows]

    def close(self):
        self._client.close()
