{{ config(materialized='table', order_by='call_id') }}

select
    toUInt32(call_id) as call_id,
    toString(queue) as queue,
    toDecimal64(amount_rub, 2) as amount_rub
from {{ ref('stg_calls') }}
