with source as (
    {{ latest_committed_rows(source('cms', 'uccx_contact_service_queue'), ['recordID', 'profileID']) }}
),

renamed as (
    select
        recordID as record_id,
        profileID as profile_id,
        contactServiceQueueID as csq_id,
        {{ uccx_text('CSQName') }} as csq_name,
        {{ uccx_number('resourcePoolType') }} as resource_pool_type,
        {{ uccx_number('serviceLevel') }} as service_level_sec,
        {{ uccx_number('serviceLevelPercentage') }} as service_level_target_pct,
        {{ uccx_flag('active') }} as is_active,
        dateInactive as inactive_at,
        {{ uccx_number('queueType') }} as queue_type,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
