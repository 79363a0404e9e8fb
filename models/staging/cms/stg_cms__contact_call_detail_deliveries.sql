-- Every committed delivery of a call leg, each version of a key, with the columns an incremental window
-- filters on. A filter here reaches the raw table (its partitions by start time), which it cannot through
-- stg_cms__contact_call_detail's deduplication; so a window's keys are found here, then read there by key.
with source as (
    {{ committed_deliveries(source('cms', 'uccx_contact_call_detail')) }}
),

renamed as (
    select
        nodeID as node_id,
        profileID as profile_id,
        sessionID as session_id,
        sessionSeqNum as session_seq_num,
        {{ uccx_number('contactType') }} as contact_type,
        startDateTime as started_at,
        _batch_id as batch_id,
        _source_row as source_row
    from source
)

select * from renamed
