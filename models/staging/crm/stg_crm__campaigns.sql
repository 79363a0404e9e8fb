with source as (
    {{ latest_committed_rows(source('crm', 'campaigns'), ['campaign_id']) }}
),

renamed as (
    select
        campaign_id,
        name as campaign_name,
        hypothesis,
        trigger_code,
        offer_product_code,
        -- the raw column names the segmentation; each member's segment is on the member row
        segment_code as segmentation,
        channel,
        starts_at,
        ends_at,
        response_window_days,
        control_share,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(offer_tariff_code, '') as offer_tariff_code
    from source
)

select * from renamed
