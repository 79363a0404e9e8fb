{#-
    Layers are ClickHouse databases: a model, seed or snapshot lands in the database of the layer whose
    folder holds it (`vars.layers` in dbt_project.yml, the one table of the layers), on every target, not
    in `<target schema>_<schema>` as dbt does by default. A team that shares one server keeps one
    warehouse; a developer who wants a private copy uses a private embedded warehouse
    (PAREBRICK_WAREHOUSE) rather than prefixed databases. Other nodes (tests' stored failures, unit tests)
    and projects without a layer table keep dbt's choice: the custom schema, else the target's.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set layer = layer_of_node(node) -%}
    {%- if layer is none -%}
        {{ (custom_schema_name if custom_schema_name is not none else target.schema) | trim }}
    {%- else -%}
        {%- do check_layer_schema(node, layer, custom_schema_name) -%}
        {{ layer.database }}
    {%- endif -%}
{%- endmacro %}


{#- The entry of `vars.layers` whose folder holds a model, seed or snapshot; none for any other node. -#}
{% macro layer_of_node(node) -%}
    {%- if node is none or node.resource_type not in ('model', 'seed', 'snapshot') -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set path = node.original_file_path | replace('\\', '/') -%}
    {%- for layer in var('layers', []) if layer.get('folder') and path.startswith(layer.folder ~ '/') -%}
        {%- do return(layer) -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}


{#- A `schema` config cannot move a node out of its layer's database: the file moves to the layer's folder. -#}
{% macro check_layer_schema(node, layer, custom_schema_name) -%}
    {%- if custom_schema_name is not none and custom_schema_name | trim != layer.database -%}
        {%- do exceptions.raise_compiler_error(
            node.original_file_path ~ " sets schema '" ~ custom_schema_name ~ "', but it lives in "
            ~ layer.folder ~ "/, whose database is '" ~ layer.database ~ "' (vars.layers in dbt_project.yml)"
        ) -%}
    {%- endif -%}
{%- endmacro %}
