-- The calls as of delivery var('batch'): a later delivery's row replaces an earlier one of the same call.
with source as (
    select * from {{ ref('calls') }} where batch <= {{ var('batch') }}
)

select
    call_id,
    argMax(started_at, delivery) as started_at,
    argMax(queue, delivery) as queue,
    argMax(talk_sec, delivery) as talk_sec,
    argMax(amount_rub, delivery) as amount_rub,
    max(delivery) as batch
from (select *, batch as delivery from source)
group by call_id
