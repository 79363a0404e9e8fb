{#-
    rebuilt_months(column, written, margin_days=1)

    The months an incremental run of an aggregate rebuilds, as a condition on the rows it reads: `column`
    (a Date of the rows read) falls in a month that holds a day of a detail row this build wrote
    (`build_id`, macros/build_scope/build_id.sql), or a day within `margin_days` of one: a detail model
    rewrites a row under its key, and the row it replaced may have lain a day away (a local date moved by
    a changed UTC offset), so that day's month changed too. Aggregates partitioned by `toYYYYMM` of their
    date rebuild whole months this way (`insert_overwrite` replaces the partitions the run wrote), so an
    incremental run equals a full refresh as long as each detail model ran in the same build.

      column      the Date column or expression of the rows read, e.g. `report_date`, `c.report_date`
      written     the detail models whose written rows move months, each [relation, date column], e.g.
                  [ref('dtl_cms__contacts'), 'report_date']; a date column of none means every month: any
                  row the model wrote makes every month a candidate (a model that deletes whole keys'
                  months, so the months it emptied leave no row to find)
      margin_days days either side of a written row's date whose months are rebuilt too

    The months are looked up when the model runs and written into the condition as constants, e.g.
    `toYYYYMM(report_date) in (202501, 202502)` (`null`: none, the run rebuilds nothing).
    A full build, or the model's first run, rebuilds everything: the condition is `true`.
-#}
{% macro rebuilt_months(column, written, margin_days=1) -%}
    {%- if not is_incremental() -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- if not execute -%}
        {%- do return('false') -%}
    {%- endif -%}
    {%- set by_build = "build_id = '" ~ invocation_id ~ "'" -%}
    {%- set selects = [] -%}
    {%- for relation, date_column in written -%}
        {%- if date_column is none -%}
            {#- 0 stands for every month -#}
            {%- do selects.append('select 0 as month from ' ~ relation ~ ' where ' ~ by_build ~ ' limit 1') -%}
        {%- else -%}
            {%- set days = [] -%}
            {%- for shift in range(-margin_days, margin_days + 1) -%}
                {%- set offset = ' + ' ~ shift if shift > 0 else (' - ' ~ -shift if shift < 0 else '') -%}
                {%- do days.append(date_column ~ offset) -%}
            {%- endfor -%}
            {%- do selects.append(
                'select distinct toYYYYMM(arrayJoin([' ~ days | join(', ') ~ '])) as month from ' ~ relation ~ ' where ' ~ by_build
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- The months as constants: each read prunes the partitions of the others, and no subquery is repeated
        where ClickHouse inlines a CTE read several times. -#}
    {%- set found = run_query('select toUInt32(month) from (' ~ selects | join(' union all ') ~ ') order by month') -%}
    {%- set months = found.rows | map(attribute=0) | map('int') | unique | list -%}
    {%- if 0 in months -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- do return('toYYYYMM(' ~ column ~ ') in (' ~ (months | join(', ') if months else 'null') ~ ')') -%}
{%- endmacro %}
