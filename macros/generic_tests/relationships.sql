{#-
    dbt's `relationships` test on ClickHouse: every non-NULL value of the column is a value of `field` in
    `to`. The adapter's version reads the whole parent. When the children are narrowed (a build testing the
    rows it changed, macros/build_scope/changed_rows.sql, or a `where` config: the model is then a subquery)
    the parent is read only at the values they name. That leaves the result as it was, since the other
    parent rows match nothing, and a filter on a staging view's key reaches under its deduplication: a test
    of a day's children no longer sorts the parent's whole raw table. A test of every child reads the whole
    parent anyway, so it joins it whole (measured: the filter made that slower).
-#}
{% macro clickhouse__test_relationships(model, column_name, to, field) -%}
    {%- set named_only = (
        ' where ' ~ field ~ ' in (select named.from_field from child as named)' if model is string else ''
    ) %}
    with child as (
        select {{ column_name }} as from_field
        from {{ model }}
        where {{ column_name }} is not null
    ),

    parent as (
        select {{ field }} as to_field
        from {{ to }}{{ named_only }}
    )

    select child.from_field as from_field
    from child
    left join parent
        on child.from_field = parent.to_field
    where parent.to_field is null
    -- end_of_sql
    settings join_use_nulls = 1
{%- endmacro %}
