with source as (
    {{ latest_committed_rows(
        source('cms', 'uccx_contact_queue_detail'),
        ['nodeID', 'profileID', 'sessionID', 'sessionSeqNum', 'targetID', 'targetType', 'qIndex'],
    ) }}
),

renamed as (
    select
        nodeID as node_id,
        profileID as profile_id,
        sessionID as session_id,
        sessionSeqNum as session_seq_num,
        targetID as target_id,
        targetType as target_type,
        qIndex as q_index,
        {{ uccx_number('queueOrder') }} as queue_order,
        {{ uccx_number('disposition') }} as queue_disposition,
        {{ uccx_flag('metServiceLevel') }} as met_service_level,
        {{ uccx_number('queueTime') }} as queue_time_sec,
        startDateTime as started_at,
        endDateTime as ended_at,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
