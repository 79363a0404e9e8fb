{#-
    The changes a snapshot run stages, compared against only the snapshot rows they can concern.

    dbt-clickhouse joins the run's source rows to every current row of the snapshot, twice (once for new
    versions, once for the versions they close), and ClickHouse builds each join's hash table from that
    right side: the whole current history every run, however few rows the source selected. A source row can
    only meet the current row of its own key, so where hard deletes are ignored (no current row is compared
    with an absent source row) the current rows are narrowed to the source's keys first: the same staged
    changes. Snapshots that track hard deletes, or have a composite key, keep dbt-clickhouse's comparison.
-#}
{% macro clickhouse__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- set tracks_deletes = strategy.invalidate_hard_deletes or strategy.hard_deletes not in (none, 'ignore') -%}
    {%- if tracks_deletes or strategy.unique_key is not string -%}
        {%- set compared = target_relation -%}
    {%- else -%}
        {%- set compared -%}
            (
                select * from {{ target_relation }}
                where ({{ strategy.unique_key }}) in (
                    select {{ strategy.unique_key }} from ({{ source_sql }}) as source_keys
                )
            )
        {%- endset -%}
    {%- endif -%}
    {%- if strategy.updated_at == 'now()' or 'now()' in strategy.updated_at -%}
        {{ clickhouse__snapshot_staging_table_check_strategy(strategy, source_sql, compared) }}
    {%- else -%}
        {{ clickhouse__snapshot_staging_table_timestamp_strategy(strategy, source_sql, compared) }}
    {%- endif -%}
{%- endmacro %}

{#-
    The staging table of a snapshot run, built from the run's source rows written once to a table of their
    own. The staging query names its source four times (new versions, closed versions, and the keys that
    narrow each comparison) and ClickHouse evaluates each one again; a source that deduplicates a staging
    view would be deduplicated four times. Same staging rows; dbt-clickhouse's builder takes the query as is.
-#}
{% macro build_snapshot_staging_table(strategy, sql, target_relation) %}
    {%- set tmp_relation = make_temp_relation(target_relation) -%}
    {%- set source_relation = make_temp_relation(target_relation, '__dbt_source') -%}
    {{ drop_relation_if_exists(tmp_relation) }}
    {{ drop_relation_if_exists(source_relation) }}

    {% call statement('build_snapshot_source_relation') %}
        {{ create_table_as(False, source_relation, sql) }}
    {% endcall %}

    {%- set select = snapshot_staging_table(strategy, 'select * from ' ~ source_relation, target_relation) -%}
    {% call statement('build_snapshot_staging_relation') %}
        {{ create_table_as(False, tmp_relation, select) }}
    {% endcall %}

    {{ drop_relation_if_exists(source_relation) }}
    {% do return(tmp_relation) %}
{% endmacro %}
