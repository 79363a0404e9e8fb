{#- An incremental run replaces every built row of a cabinet's poll day it rebuilds, also one that no
    version claims any more: the delete is by (cabinet, day), not by the row's key. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='cabinet, toDate(polled_at)',
    delete_bound={'column': 'toDate(polled_at)', 'from_key': 'toDate(polled_at)'},
    engine='MergeTree()',
    order_by='(cabinet, client, polled_at)',
    partition_by='toYYYYMM(polled_at)',
) }}

with polls as (
    select * from {{ ref('stg_smart__polls') }}
    where {{ smart_rebuild_window('polled_at', 'polled_at') }}
),

installations as (
    select * from {{ ref('dtl_smart__installations') }}
),

-- Each poll with the polled installation version in force at polled_at (UTC); a poll of an installation no
-- list in force names as polled is left out.
claimed as (
    select
        polls.cabinet as cabinet,
        polls.client as client,
        installations.version_date as version_date,
        polls.polled_at as polled_at,
        polls.url as url,
        polls.http_status as http_status,
        polls.latency_ms as latency_ms,
        polls.error as error,
        polls.is_failed as is_failed,
        installations.valid_from as valid_from,
        installations.valid_to as valid_to
    from polls
    inner join installations
        on
            polls.cabinet = installations.cabinet
            and polls.client = installations.client
    where installations.polled
),

final as (
    select
        cabinet,
        client,
        version_date,
        polled_at,
        url,
        http_status,
        latency_ms,
        error,
        is_failed,
        {{ build_id() }} as build_id
    from claimed
    where polled_at >= valid_from and (valid_to is null or polled_at < valid_to)
)

select * from final
