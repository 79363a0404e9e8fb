{#-
    The clock of dbt snapshots. dbt-clickhouse uses now(), a DateTime in the server's time zone with whole
    seconds; the project stores time as DateTime64(3, 'UTC') (docs/overview.md, "Time": nothing may depend
    on the server's time zone), and a check-strategy snapshot's dbt_valid_from/to come from this clock. It
    also matches the type of the timestamp strategy's updated_at columns, so dbt's type check stays quiet.
-#}
{% macro clickhouse__snapshot_get_time() -%}
    now64(3, 'UTC')
{%- endmacro %}
