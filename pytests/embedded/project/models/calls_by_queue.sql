{{ config(materialized='table', engine='MergeTree()', order_by='queue') }}

select queue, count() as calls, sum(coalesce(talk_sec, 0)) as talk_sec
from {{ ref('stg_calls') }}
group by queue
