{#-
    The daily batch's audit tables (source `audit`, declared in scripts/parebrick/daily/schema.py and generated
    into models/staging/loader/_loader__sources.yml), created when missing by the build's on-run-start hook,
    so the staging views over them build before `parebrick daily` ever ran. Columns, types and keys are read
    from the source's declaration (each table's `meta.order_by`); the batch creates the same tables from the
    same declaration.
-#}
{% macro create_audit_tables() -%}
    {#- Only where hooks run: `dbt docs generate` and `dbt compile` render the hook without running the ones
        before it, so the database may not exist yet and nothing should be created by them. -#}
    {%- if execute and flags.WHICH in ('build', 'run', 'test', 'seed', 'snapshot') -%}
        {%- for node in graph.sources.values() | selectattr('source_name', 'equalto', 'audit') -%}
            {%- do run_query('create database if not exists ' ~ adapter.quote(node.schema)) -%}
            {%- set columns = [] -%}
            {%- for column in node.columns.values() -%}
                {%- do columns.append(adapter.quote(column.name) ~ ' ' ~ column.data_type
                    ~ ' comment ' ~ audit_literal(column.description)) -%}
            {%- endfor -%}
            {%- set order_by = [] -%}
            {%- for name in node.meta.order_by -%}
                {%- do order_by.append(adapter.quote(name)) -%}
            {%- endfor -%}
            {%- do run_query(
                'create table if not exists ' ~ adapter.quote(node.schema) ~ '.' ~ adapter.quote(node.identifier)
                ~ ' (' ~ columns | join(', ') ~ ') engine = MergeTree order by (' ~ order_by | join(', ') ~ ')'
                ~ ' comment ' ~ audit_literal(node.description)
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return('select 1') -%}
{%- endmacro %}


{#- A ClickHouse string literal of a description (DDL takes no query parameters). -#}
{% macro audit_literal(text) -%}
    {%- do return("'" ~ (text | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") -%}
{%- endmacro %}
