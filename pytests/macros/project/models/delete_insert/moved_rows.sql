{#- Version 1 builds ids 1-3. Version 2 delivers id 1 again, moved to another month, id 2 unchanged and id 4
    new: the delete finds id 1's old row through its key, wherever its day is. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='id',
    engine='MergeTree()',
    order_by='(day, id)',
    partition_by='toYYYYMM(day)',
    delete_bound={'column': 'day'},
) }}

with versions as (
    select * from values(
        'id UInt32, day Date, version UInt8',
        (1, '2025-01-10', 1), (2, '2025-01-11', 1), (3, '2025-01-12', 1),
        (1, '2025-03-01', 2), (2, '2025-01-11', 2), (4, '2025-03-02', 2)
    )
)

select
    id,
    day,
    version
from versions
where version = {{ var('version', 1) }}
