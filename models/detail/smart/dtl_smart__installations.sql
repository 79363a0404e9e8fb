{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(cabinet, client, valid_from)',
) }}

with registry as (
    select * from {{ ref('stg_smart__registry') }}
),

-- A cabinet's valid lists in the order of their dates: each is in force until the next one starts.
versions as (
    select
        cabinet,
        version_date,
        any(version_starts_at) as valid_from
    from registry
    group by cabinet, version_date
),

version_periods as (
    select
        cabinet,
        version_date,
        valid_from,
        nullIf(
            leadInFrame(valid_from) over cabinet_versions,
            toDateTime64(0, 3, 'UTC')
        ) as valid_to
    from versions
    window cabinet_versions as (
        partition by cabinet order by version_date rows between current row and 1 following
    )
),

final as (
    select
        registry.cabinet as cabinet,
        registry.client as client,
        registry.version_date as version_date,
        version_periods.valid_from as valid_from,
        version_periods.valid_to as valid_to,
        registry.kind as kind,
        registry.manager as manager,
        registry.manager_email as manager_email,
        registry.tz_correction as tz_correction,
        registry.utc_offset_hours as utc_offset_hours,
        registry.is_polled as polled,
        registry.url as url
    from registry
    inner join version_periods
        on
            registry.cabinet = version_periods.cabinet
            and registry.version_date = version_periods.version_date
)

select * from final
