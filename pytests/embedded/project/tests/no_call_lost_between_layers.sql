-- Every call of the staging view reaches the delete+insert table once.
select s.call_id
from {{ ref('stg_calls') }} as s
left anti join {{ ref('calls_delete_insert') }} as d on s.call_id = d.call_id
