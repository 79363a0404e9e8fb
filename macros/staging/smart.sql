{#-
    The conventions of installation monitoring (source group smart, seed 002, METRICS.md "Installation
    monitoring"), declared once and used by its staging and detail models:
      - the registry's reference clock is Saratov time, UTC+4: a version is in force from 00:00 Saratov time
        of its file's date (smart_version_start), and a machine's UTC offset is 4 + tz_correction hours
        (smart_utc_offset_hours);
      - a time on an installation machine's clock (held as wall-clock digits in a DateTime('UTC')) is UTC
        once that offset is taken off (smart_local_to_utc);
      - a poll failed when it got no HTTP status or a 5xx one (smart_poll_failed).
-#}
{% macro smart_saratov_utc_offset() -%}
    4
{%- endmacro %}

{% macro smart_utc_offset_hours(tz_correction) -%}
    toInt8({{ smart_saratov_utc_offset() }} + {{ tz_correction }})
{%- endmacro %}

{% macro smart_version_start(version_date) -%}
    toDateTime64({{ version_date }}, 3, 'UTC') - toIntervalHour({{ smart_saratov_utc_offset() }})
{%- endmacro %}

{% macro smart_local_to_utc(local_time, utc_offset_hours) -%}
    toDateTime64({{ local_time }}, 3, 'UTC') - toIntervalHour({{ utc_offset_hours }})
{%- endmacro %}

{% macro smart_poll_failed(http_status) -%}
    ({{ http_status }} is null or {{ http_status }} >= 500)
{%- endmacro %}

{#- The as-of moment (docs metric_smart_as_of): a select over the CTEs of an installation's reports and polls. -#}
{% macro smart_as_of(reports, polls) -%}
    select greatest(
        (select max(reported_at_utc) from {{ reports }}),
        (select max(polled_at) from {{ polls }})
    ) as as_of
{%- endmacro %}

{#-
    Where an incremental run of a detail model matched to installation versions (dtl_smart__polls,
    dtl_smart__reports) starts rebuilding, as a condition on `column` of the rows it reads: the newest built
    `built_column` less the lookback_days var (late rows), and further back to the start of any cabinet's
    version newer than every version its built rows name (a new registry list ends the previous version's
    period and may add or drop installations from its start), from the start of that day: the models delete
    what they rebuild by day. `margin_days` widens it for a column on another clock (a machine's local
    time). Counted in DateTime64, so an empty model (its max the epoch) reaches back before every row
    instead of wrapping around. A full build has no window: `true`.
-#}
{% macro smart_rebuild_window(column, built_column, margin_days=0) -%}
    {%- if not is_incremental() -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set rebuild_from -%}
        toStartOfDay(least(
            (select toDateTime64(max(existing.{{ built_column }}), 3, 'UTC') from {{ this }} as existing)
            - toIntervalDay({{ var('lookback_days') }}),
            ifNull(
                (
                    select minOrNull(versions.valid_from)
                    from {{ ref('dtl_smart__installations') }} as versions
                    inner join (
                        select
                            built.cabinet as cabinet,
                            max(built.version_date) as version_date
                        from {{ this }} as built
                        group by built.cabinet
                    ) as built_versions on versions.cabinet = built_versions.cabinet
                    where versions.version_date > built_versions.version_date
                ),
                toDateTime64('2262-01-01 00:00:00', 3, 'UTC')
            )
        ) - toIntervalDay({{ margin_days }}))
    {%- endset -%}
    {%- do return(column ~ ' >= (select ' ~ rebuild_from ~ ')') -%}
{%- endmacro %}
