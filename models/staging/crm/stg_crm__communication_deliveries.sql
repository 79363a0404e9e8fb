-- Every committed delivery of a campaign communication, each version of it, with the columns incremental
-- windows filter on. A filter here reaches the raw table, which it cannot through
-- stg_crm__communications' deduplication; so a run finds the communications of its customers here, then
-- reads them from stg_crm__communications by key.
with source as (
    {{ committed_deliveries(source('crm', 'communications')) }}
),

renamed as (
    select
        communication_id,
        campaign_id,
        customer_id,
        _batch_id as batch_id,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source
)

select * from renamed
