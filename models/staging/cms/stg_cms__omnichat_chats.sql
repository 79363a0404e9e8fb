with source as (
    {{ latest_committed_rows(source('cms', 'omnichat_chats'), ['chat_id'], version_column='updated_at') }}
),

renamed as (
    select
        chat_id,
        channel,
        territory_code,
        service_code,
        created_at,
        queued_at,
        accepted_at,
        closed_at,
        updated_at,
        status,
        messages_client,
        messages_operator,
        first_response_sec,
        csat,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(customer_id, '') as customer_id,
        nullIf(operator_login, '') as operator_login,
        nullIf(topic, '') as topic
    from source
)

select * from renamed
