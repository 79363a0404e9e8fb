{#-
    The delete of a `delete+insert` run, held to the days of the table that can hold the rows it replaces.

    dbt-clickhouse deletes `where (key) in (select key from <new rows>)`, a predicate no index can use: the
    lightweight DELETE reads the key columns of every part and, in ClickHouse's default
    `lightweight_delete_mode`, writes a new version of every part, also where it deletes nothing, so its cost
    grows with the table's history. A model's `delete_bound` config adds a predicate on a column the table
    is sorted (and partitioned) by, so the delete finds its rows in the days that hold them. With the
    block-number columns (the detail tables' settings, dbt_project.yml) and `lightweight_delete_mode =
    'lightweight_update'` (the local profile), it then writes patch parts for the matched rows only.
    Both forms are exact: they never spare a row the key matches.
      - `{'column': c}`: c is one of the values the replaced rows have, read from the table through the key.
        Exact for any model; the lookup reads the key columns once, without writing.
      - `{'column': c, 'from_key': e, 'days': n}`: c lies within n days of the range of e over the new rows,
        where e depends on the key alone and every row of a key has c within n days of e (the model's YAML
        says why). No lookup.
    Everything else is the adapter's own delete+insert (`dbt.`: the internal packages), called with the
    bound as one more incremental predicate. The new rows' table is named as the adapter names it; a change
    there fails the delete loudly (unknown table), it cannot spare rows.
-#}
{% macro clickhouse__incremental_delete_insert(
    existing_relation, unique_key, incremental_predicates, is_distributed=False
) %}
    {%- set predicates = (incremental_predicates or []) | list -%}
    {%- set bound = config.get('delete_bound') -%}
    {%- if bound -%}
        {%- set new_rows = existing_relation.incorporate(path={
            "identifier": existing_relation.identifier ~ '__dbt_new_data_' ~ invocation_id.replace('-', '_')
        }) -%}
        {%- set column = bound['column'] -%}
        {%- if bound.get('from_key') -%}
            {%- do predicates.append(key_bound_range(bound, new_rows)) -%}
        {%- else -%}
            {%- do predicates.append(
                column ~ ' in (select ' ~ column ~ ' from ' ~ existing_relation
                ~ ' where (' ~ unique_key ~ ') in (select ' ~ unique_key ~ ' from ' ~ new_rows ~ '))'
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {% do dbt.clickhouse__incremental_delete_insert(
        existing_relation, unique_key, predicates, is_distributed
    ) %}
{% endmacro %}


{#- `delete_bound`'s range form: the values of its column that the keys of `rows` (a relation, `where` a
    condition on it) allow, `c between min(e) - n and max(e) + n`. The uniqueness test of the rows a build
    wrote uses it too (macros/build_scope/changed_rows.sql). -#}
{% macro key_bound_range(bound, rows, where='') -%}
    {%- set days = bound.get('days', 0) -%}
    {%- set read = ' from ' ~ rows ~ (' where ' ~ where if where else '') -%}
    {{ bound['column'] }} between (select min({{ bound['from_key'] }}) - {{ days }}{{ read }})
    and (select max({{ bound['from_key'] }}) + {{ days }}{{ read }})
{%- endmacro %}
