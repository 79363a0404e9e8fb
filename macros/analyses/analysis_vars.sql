{#-
    Helpers of the ad-hoc queries in analyses/: how a value an analyst passes with --vars becomes SQL, and
    the default day when none is passed. Only analyses use them; models take no such vars.
-#}

{#- A value passed with --vars as a ClickHouse string literal, quotes and backslashes escaped. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#-
    The latest full local date of a daily relation, as a scalar subquery: the day before the newest date
    with any volume. The newest date is taken as partial: the extracts may end during it, and the eastern
    territories start their local day hours before the western ones.
-#}
{% macro latest_full_date(relation, volume_column, date_column='report_date') -%}
    (select max({{ date_column }}) - 1 from {{ relation }} where {{ volume_column }} > 0)
{%- endmacro %}
