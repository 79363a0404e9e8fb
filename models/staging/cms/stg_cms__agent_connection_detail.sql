with source as (
    {{ latest_committed_rows(
        source('cms', 'uccx_agent_connection_detail'),
        ['nodeID', 'profileID', 'sessionID', 'sessionSeqNum', 'resourceID', 'startDateTime', 'qIndex'],
    ) }}
),

renamed as (
    select
        nodeID as node_id,
        profileID as profile_id,
        sessionID as session_id,
        sessionSeqNum as session_seq_num,
        resourceID as resource_id,
        startDateTime as started_at,
        endDateTime as ended_at,
        qIndex as q_index,
        {{ uccx_number('gmtOffset') }} as gmt_offset_min,
        {{ uccx_number('ringTime') }} as ring_time_sec,
        {{ uccx_number('talkTime') }} as talk_time_sec,
        {{ uccx_number('holdTime') }} as hold_time_sec,
        {{ uccx_number('workTime') }} as work_time_sec,
        {{ uccx_text('callWrapupData') }} as call_wrapup_data,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
