-- Every committed delivery of a billing account, each version and each re-delivery of it, with the columns
-- incremental runs filter on. A filter here reaches the raw table, which it cannot through
-- stg_brm__accounts' deduplication; so a run finds its accounts here, then reads them there by key.
with source as (
    {{ committed_deliveries(source('brm', 'accounts')) }}
),

renamed as (
    select
        account_id,
        customer_id,
        updated_at,
        _batch_id as batch_id,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source
)

select * from renamed
