{#-
    Helpers of the ad-hoc queries in analyses/: how a value an analyst passes with --vars becomes SQL, and
    the default day when none is passed. Only analyses use them; models take no such vars.
-#}

{#- A value passed with --vars as a ClickHouse string literal, quotes and backslashes escaped. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#-
    The default day of an ad-hoc query: the newest whole local date (docs metric_is_whole_day) of the
    national daily view, as a scalar subquery over the query's CTE of v_cc_national_daily.
-#}
{% macro latest_whole_date(national_daily) -%}
    (select max(report_date) from {{ national_daily }} where is_whole_day)
{%- endmacro %}
