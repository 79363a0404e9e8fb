with source as (
    {{ latest_committed_rows(source('crm', 'campaign_members'), ['campaign_id', 'customer_id']) }}
),

-- A customer listed in both groups is two rows of one key in one extract; the rule above keeps only one of
-- them, so the groups are counted over every committed row of the extract that delivered the kept row. A
-- later extract that moves a member to the other group is a correction, not a conflict.
listings as (
    select
        listed.campaign_id as campaign_id,
        listed.customer_id as customer_id,
        listed._batch_id as _batch_id,
        uniqExact(listed.group) as groups_listed
    from {{ source('crm', 'campaign_members') }} as listed
    where listed._batch_id in (select committed.batch_id from {{ source('loader', 'committed_batches') }} as committed)
    group by listed.campaign_id, listed.customer_id, listed._batch_id
),

renamed as (
    select
        source.campaign_id as campaign_id,
        source.customer_id as customer_id,
        source.segment_code as segment_code,
        source.group as member_group,
        source.priority as priority,
        source.assigned_at as assigned_at,
        cast(listings.groups_listed > 1 as Bool) as is_in_both_groups,
        source._batch_id as batch_id,
        source._loaded_at as loaded_at
    from source
    inner join listings
        on
            source.campaign_id = listings.campaign_id
            and source.customer_id = listings.customer_id
            and source._batch_id = listings._batch_id
)

select * from renamed
