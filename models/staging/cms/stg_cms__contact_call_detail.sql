with source as (
    {{ latest_committed_rows(
        source('cms', 'uccx_contact_call_detail'),
        ['nodeID', 'profileID', 'sessionID', 'sessionSeqNum'],
    ) }}
),

renamed as (
    select
        nodeID as node_id,
        profileID as profile_id,
        sessionID as session_id,
        sessionSeqNum as session_seq_num,
        {{ uccx_number('contactType') }} as contact_type,
        {{ uccx_number('contactDisposition') }} as contact_disposition,
        {{ uccx_text('dispositionReason') }} as disposition_reason,
        {{ uccx_number('originatorType') }} as originator_type,
        {{ uccx_number('originatorID') }} as originator_id,
        {{ uccx_text('originatorDN') }} as originator_dn,
        {{ uccx_number('destinationType') }} as destination_type,
        {{ uccx_number('destinationID') }} as destination_id,
        {{ uccx_text('destinationDN') }} as destination_dn,
        startDateTime as started_at,
        endDateTime as ended_at,
        {{ uccx_number('gmtOffset') }} as gmt_offset_min,
        {{ uccx_text('calledNumber') }} as called_number,
        {{ uccx_text('origCalledNumber') }} as orig_called_number,
        {{ uccx_text('applicationName') }} as application_name,
        {{ uccx_number('connectTime') }} as connect_time_sec,
        {{ uccx_flag('transfer') }} as is_transfer,
        {{ uccx_flag('redirect') }} as is_redirect,
        {{ uccx_flag('conference') }} as is_conference,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
