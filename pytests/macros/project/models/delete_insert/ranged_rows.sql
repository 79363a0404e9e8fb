{#- A row's key is (id, started_at) and its day is started_at's shifted by less than a day, so a key's rows
    lie within a day of toDate(started_at). Version 2 delivers id 1 again a day later (a new offset), adds
    id 5, and writes id 7 twice: a duplicate the build's uniqueness test must find. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='id, started_at',
    engine='MergeTree()',
    order_by='(day, id)',
    partition_by='toYYYYMM(day)',
    delete_bound={'column': 'day', 'from_key': 'toDate(started_at)', 'days': 1},
) }}

with versions as (
    select * from values(
        'id UInt32, started_at DateTime, offset_hours Int8, version UInt8',
        (1, '2025-01-10 22:00:00', 0, 1), (2, '2025-01-20 10:00:00', 0, 1),
        (1, '2025-01-10 22:00:00', 5, 2), (5, '2025-02-01 00:00:00', 0, 2),
        (7, '2025-01-15 12:00:00', 0, 2), (7, '2025-01-15 12:00:00', 0, 2)
    )
)

select
    id,
    started_at,
    toDate(started_at + toIntervalHour(offset_hours)) as day,
    version,
    {{ build_id() }} as build_id
from versions
where version = {{ var('version', 1) }}
