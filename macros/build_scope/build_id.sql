{#- The dbt invocation that writes a row: detail rows carry it so that a build can test the rows it wrote. -#}
{% macro build_id() -%}
    cast('{{ invocation_id }}' as LowCardinality(String))
{%- endmacro %}
