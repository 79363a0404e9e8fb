-- A stand-in for a source with an updated_at column: the delivery number as a point in time.
select call_id, queue, toDateTime('2025-06-01 00:00:00', 'UTC') + toIntervalDay(batch) as updated_at
from {{ ref('stg_calls') }}
