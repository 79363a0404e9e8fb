with source as (
    {{ latest_committed_rows(source('smart', 'polls'), ['cabinet', 'client', 'polled_at']) }}
),

renamed as (
    select
        cabinet,
        client,
        polled_at,
        url,
        http_status,
        latency_ms,
        error,
        {{ smart_poll_failed('http_status') }} as is_failed,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
