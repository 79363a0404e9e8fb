{{ config(materialized='table', order_by='call_id', enabled=var('break_contract')) }}

-- queue as a number contradicts the String the contract declares.
select toUInt32(call_id) as call_id, toUInt8(1) as queue, toDecimal64(0, 2) as amount_rub
from {{ ref('stg_calls') }}
