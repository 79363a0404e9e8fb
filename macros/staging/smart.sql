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
