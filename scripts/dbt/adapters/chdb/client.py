"""The transport: dbt-clickhouse's HTTP client wrapper, pointed at clickhouse-connect's chDB interface.

dbt-clickhouse talks to clickhouse-connect through `ChHttpClient`; clickhouse-connect offers the same client
API over an in-process chDB engine. So the wrapper is reused whole and only the client it wraps changes.
"""

from clickhouse_connect.driver.exceptions import OperationalError
from dbt.adapters.clickhouse.dbclient import ChRetryableException
from dbt.adapters.clickhouse.httpclient import ChHttpClient
from dbt.adapters.exceptions import FailedToConnectError

from parebrick.embedded import WarehouseBusyError, open_client


class ChdbClient(ChHttpClient):
    def _create_client(self, credentials):
        try:
            return open_client(credentials.path, settings=self._conn_settings)
        except WarehouseBusyError as exc:
            raise FailedToConnectError(str(exc)) from None
        except OperationalError as exc:
            raise ChRetryableException(str(exc)) from exc

    def close(self):
        self._client.close()
