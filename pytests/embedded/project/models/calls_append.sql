{{ config(materialized='incremental', incremental_strategy='append', order_by='call_id') }}

select call_id, queue, batch
from {{ ref('calls') }}
where batch = {{ var('batch') }}
