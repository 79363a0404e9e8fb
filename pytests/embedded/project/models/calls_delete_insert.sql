{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='call_id',
    order_by='call_id',
) }}

select call_id, queue, talk_sec, batch
from {{ ref('stg_calls') }}
{% if is_incremental() %}
where batch > (select max(batch) from {{ this }})
{% endif %}
