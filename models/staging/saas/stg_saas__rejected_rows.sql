with rejected as (
    select * from {{ source('loader', 'load_rejected_rows') }}
),

committed_batches as (
    select * from {{ source('loader', 'committed_batches') }}
),

-- Quarantined rows count once their batch is committed, like raw rows (_loader__sources.yml).
saas_rows as (
    select
        rejected.source as source,
        rejected.source_row as source_row,
        rejected.reason as reason,
        rejected.raw_text as raw_text,
        rejected.batch_id as batch_id,
        rejected.rejected_at as rejected_at,
        replaceOne(rejected.table_name, 'saas__', '') as extract
    from rejected
    where
        startsWith(rejected.table_name, 'saas__')
        and rejected.batch_id in (select committed_batches.batch_id from committed_batches)
)

select * from saas_rows
