{#-
    Layers are ClickHouse databases: a model configured with `schema: staging` lands in database
    `staging` on every target, not in `<target schema>_staging` as dbt does by default. A team that
    shares one server keeps one warehouse; a developer who wants a private copy uses a private
    embedded warehouse (PAREBRICK_WAREHOUSE) rather than prefixed databases.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
