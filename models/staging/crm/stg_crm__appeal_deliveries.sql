-- Every committed delivery of a CRM appeal, each version of it, with the columns incremental windows filter
-- on. A filter here reaches the raw table (its partitions by creation time), which it cannot through
-- stg_crm__appeals' deduplication; so a window's appeals are found here, then read there by key.
with source as (
    {{ committed_deliveries(source('crm', 'appeals')) }}
),

renamed as (
    select
        appeal_id,
        created_at,
        customer_id,
        category,
        _batch_id as batch_id,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source
)

select * from renamed
