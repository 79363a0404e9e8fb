{#-
    A hierarchy's additive identity: on every row of a level, each of `columns` equals the sum over the
    row's children, the rows of the level just below (in `levels`, lowest first) whose `parent` is this
    row's `member`, in the same `report_month` (the model has those four columns, `level` among them).
    A column carried only from some level up names that level in `owned_from` (e.g. {offered: service_territory}); the rows below it are not its
    children for that column. Returns the parents whose sums differ (a parent with no children sums to 0)
    and the children whose parent is not in the level above.
    Usage: data_tests: [{sums_over_children: {arguments: {levels: [operator, team, center],
           columns: [handled], owned_from: {offered: team}}}}]
-#}
{% test sums_over_children(model, levels, columns, owned_from={}) %}
    {% set sql = sums_over_children_parts(levels, columns, owned_from) %}
    with rows_of_model as (
        select * from {{ model }}
    ),

    children as (
        select
            report_month as period,
            parent as parent_member,
            {{ sql.parent_level }} as parent_level,
            {{ sql.child_sums }}
        from rows_of_model
        where level in ({{ sql.child_levels }})
        group by period, parent_level, parent_member
    ),

    parents as (
        select
            report_month as period,
            level as level_name,
            member as member_name,
            toUInt8(1) as is_parent,
            {{ sql.columns }}
        from rows_of_model
        where level in ({{ sql.parent_levels }})
    )

    select
        if(ifNull(p.is_parent, 0) = 1, p.period, c.period) as period,
        if(ifNull(p.is_parent, 0) = 1, p.level_name, c.parent_level) as level_name,
        if(ifNull(p.is_parent, 0) = 1, p.member_name, c.parent_member) as member_name,
        ifNull(p.is_parent, 0) = 0 as parent_missing
    from parents as p
    full outer join children as c
        on
            p.period = c.period
            and p.level_name = c.parent_level
            and p.member_name = c.parent_member
    where
        -- a flag, not a NULL key: the test holds whatever the session's join_use_nulls
        ifNull(p.is_parent, 0) = 0
        or {{ sql.differs }}
{% endtest %}

{#- The SQL pieces of sums_over_children, built here so that the test reads as one query. -#}
{% macro sums_over_children_parts(levels, columns, owned_from) %}
    {%- set all_columns = columns + (owned_from.keys() | list) -%}
    {%- set parent_of = [] -%}
    {%- set child_sums = [] -%}
    {%- set differs = [] -%}
    {%- for level in levels[:-1] -%}
        {%- do parent_of.append("level = '" ~ level ~ "', '" ~ levels[loop.index] ~ "'") -%}
    {%- endfor -%}
    {%- for column in all_columns -%}
        {%- do child_sums.append('sum(' ~ column ~ ') as ' ~ column) -%}
        {%- set first = levels.index(owned_from[column]) if column in owned_from else 0 -%}
        {%- do differs.append(
            "(p.level_name in ('" ~ levels[first + 1:] | join("', '") ~ "') and not ifNull(p." ~ column
            ~ " = coalesce(c." ~ column ~ ", 0), false))"
        ) -%}
    {%- endfor -%}
    {%- do return({
        'columns': all_columns | join(', '),
        'parent_level': 'multiIf(' ~ parent_of | join(', ') ~ ', NULL)',
        'child_sums': child_sums | join(', '),
        'differs': differs | join(' or '),
        'child_levels': "'" ~ levels[:-1] | join("', '") ~ "'",
        'parent_levels': "'" ~ levels[1:] | join("', '") ~ "'",
    }) -%}
{% endmacro %}
