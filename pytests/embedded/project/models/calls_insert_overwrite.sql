-- depends_on: {{ ref('calls') }}
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    partition_by='toYYYYMM(started_at)',
    order_by='call_id',
) }}

-- Each run rewrites only the months it selects; the other partitions stay as they were.
select call_id, started_at, queue, batch
from {{ ref('stg_calls') }}
{% if is_incremental() %}
where toYYYYMM(started_at) in (
    select distinct toYYYYMM(started_at) from {{ ref('calls') }} where batch = {{ var('batch') }}
)
{% endif %}
