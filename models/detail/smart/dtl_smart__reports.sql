{#- An incremental run replaces every built row of a cabinet's report day it rebuilds, also one that no
    version claims any more: the delete is by (cabinet, day), not by the row's key. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='cabinet, report_date',
    delete_bound={'column': 'toDate(reported_at_utc)', 'from_key': 'report_date', 'days': 1},
    engine='MergeTree()',
    order_by='(cabinet, client, reported_at_utc)',
    partition_by='toYYYYMM(reported_at_utc)',
) }}

{%- set stale_days = var('smart_update_stale_days') %}

-- The window is measured on the machines' clocks (the staging key), a day wider than any UTC offset.
with sysinfo as (
    select * from {{ ref('stg_smart__sysinfo') }}
    where {{ smart_rebuild_window('reported_at_local', 'reported_at_local', margin_days=1) }}
),

installations as (
    select * from {{ ref('dtl_smart__installations') }}
),

-- Each report with the installation version in force at its UTC time (its reported_at minus that version's
-- offset); a report no version claims (an installation no list in force names) is left out.
claimed as (
    select
        sysinfo.cabinet as cabinet,
        sysinfo.client as client,
        installations.version_date as version_date,
        installations.utc_offset_hours as utc_offset_hours,
        sysinfo.reported_at_local as reported_at_local,
        sysinfo.report_date as report_date,
        sysinfo.product_version as product_version,
        sysinfo.operup_last_run_local as operup_last_run_local,
        sysinfo.operup_status as operup_status,
        sysinfo.operup_errors as operup_errors,
        sysinfo.users_total as users_total,
        sysinfo.users_active as users_active,
        sysinfo.sessions as sessions,
        sysinfo.searches as searches,
        sysinfo.empty_searches as empty_searches,
        sysinfo.documents_opened as documents_opened,
        sysinfo.disk_free_gb as disk_free_gb,
        installations.valid_from as valid_from,
        installations.valid_to as valid_to,
        {{ smart_local_to_utc('sysinfo.reported_at_local', 'installations.utc_offset_hours') }} as reported_at_utc
    from sysinfo
    inner join installations
        on
            sysinfo.cabinet = installations.cabinet
            and sysinfo.client = installations.client
),

final as (
    select
        cabinet,
        client,
        version_date,
        reported_at_utc,
        reported_at_local,
        report_date,
        utc_offset_hours,
        product_version,
        operup_last_run_local,
        operup_status,
        operup_errors,
        users_total,
        users_active,
        sessions,
        searches,
        empty_searches,
        documents_opened,
        disk_free_gb,
        if(
            operup_last_run_local is null, null,
            {{ smart_local_to_utc('operup_last_run_local', 'utc_offset_hours') }}
        ) as operup_last_run_utc,
        ifNull(operup_status = 'failed', false)
        or ifNull(
            dateDiff('second', operup_last_run_local, reported_at_local) > {{ stale_days }} * 86400, false
        ) as is_update_broken,
        {{ build_id() }} as build_id
    from claimed
    where reported_at_utc >= valid_from and (valid_to is null or reported_at_utc < valid_to)
)

select * from final
