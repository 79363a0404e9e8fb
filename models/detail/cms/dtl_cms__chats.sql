{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['chat_id'],
    delete_bound={'column': 'report_date'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, channel, chat_id)',
    ttl='report_date + toIntervalYear(3)',
) }}

with chats as (
    select * from {{ ref('stg_cms__omnichat_chats') }}
    -- A chat changes after it closes (a later rating, a corrected topic) for days, so the clock of this
    -- model is the load, not the chat's date: every chat whose latest version was loaded within the
    -- lookback window of the newest load already here is rebuilt, however old the chat is.
    where {{ rebuild_window('loaded_at') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

enriched as (
    select
        chats.chat_id as chat_id,
        chats.channel as channel,
        chats.service_code as service_code,
        chats.territory_code as territory_code,
        chats.customer_id as customer_id,
        chats.operator_login as operator_login,
        chats.status as status,
        chats.topic as topic,
        chats.created_at as created_at,
        chats.queued_at as queued_at,
        chats.accepted_at as accepted_at,
        chats.closed_at as closed_at,
        chats.updated_at as updated_at,
        chats.messages_client as messages_client,
        chats.messages_operator as messages_operator,
        chats.first_response_sec as first_response_sec,
        chats.csat as csat,
        chats.loaded_at as loaded_at,
        -- a territory missing from the dictionary is reported in Moscow time, as dtl_cms__contacts does
        coalesce(territories.utc_offset_hours, 3) as utc_offset_hours
    from chats
    left join territories on chats.territory_code = territories.territory_code
),

final as (
    select
        chat_id,
        channel,
        service_code,
        territory_code,
        customer_id,
        operator_login,
        status,
        topic,
        created_at,
        utc_offset_hours,
        queued_at,
        accepted_at,
        closed_at,
        updated_at,
        first_response_sec,
        messages_client,
        messages_operator,
        csat,
        loaded_at,
        cast(status = 'served' as Bool) as is_served,
        cast(status = 'lost' as Bool) as is_lost,
        cast(status = 'bot_only' as Bool) as is_bot_only,
        created_at + toIntervalHour(utc_offset_hours) as created_at_local,
        toDate(created_at_local) as report_date,
        -- waiting for an operator: from the queue to acceptance, or to the close when the client left;
        -- a bot-only chat never waited for one
        if(
            status = 'bot_only',
            NULL,
            dateDiff('second', queued_at, coalesce(accepted_at, closed_at))
        ) as wait_sec,
        -- an operator's time on the chat: from acceptance to the close
        dateDiff('second', accepted_at, closed_at) as handle_sec
    from enriched
)

select
    *,
    {{ build_id() }} as build_id
from final
