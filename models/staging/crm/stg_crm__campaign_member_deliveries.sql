-- Every committed delivery of a campaign member, each version of it, with the columns incremental windows
-- filter on. A filter here reaches the raw table, which it cannot through stg_crm__campaign_members'
-- deduplication; so a run finds the members delivered since the last build here.
with source as (
    {{ committed_deliveries(source('crm', 'campaign_members')) }}
),

renamed as (
    select
        campaign_id,
        customer_id,
        _batch_id as batch_id,
        _source_row as source_row,
        _loaded_at as loaded_at
    from source
)

select * from renamed
