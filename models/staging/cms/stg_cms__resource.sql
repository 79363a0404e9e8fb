with source as (
    {{ latest_committed_rows(source('cms', 'uccx_resource'), ['resourceID', 'profileID']) }}
),

renamed as (
    select
        resourceID as resource_id,
        profileID as profile_id,
        {{ uccx_text('resourceLoginID') }} as resource_login_id,
        {{ uccx_text('resourceName') }} as resource_name,
        {{ uccx_number('resourceGroupID') }} as resource_group_id,
        {{ uccx_number('resourceType') }} as resource_type,
        {{ uccx_flag('active') }} as is_active,
        {{ uccx_flag('autoAvail') }} as is_auto_available,
        {{ uccx_text('extension') }} as extension,
        dateInactive as inactive_at,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
