with source as (
    {{ latest_committed_rows(source('crm', 'communications'), ['communication_id']) }}
),

renamed as (
    select
        communication_id,
        campaign_id,
        customer_id,
        channel,
        sent_at,
        delivered as is_delivered,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(outcome, '') as outcome
    from source
)

select * from renamed
