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

    A full build, or the model's first run, rebuilds everything: the condition is `true`.
-#}
{% macro rebuilt_months(column, written, margin_days=1) -%}
    {%- if not is_incremental() -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set by_build = "build_id = '" ~ invocation_id ~ "'" -%}
    {%- set months = [] -%}
    {%- set whole = [] -%}
    {%- for relation, date_column in written -%}
        {%- if date_column is none -%}
            {%- do whole.append('exists (select 1 from ' ~ relation ~ ' where ' ~ by_build ~ ')') -%}
        {%- else -%}
            {%- set days = [] -%}
            {%- for shift in range(-margin_days, margin_days + 1) -%}
                {%- do days.append(date_column ~ (' + ' ~ shift if shift > 0 else (' - ' ~ -shift if shift < 0 else ''))) -%}
            {%- endfor -%}
            {%- do months.append(
                'select distinct toYYYYMM(arrayJoin([' ~ days | join(', ') ~ '])) from ' ~ relation ~ ' where ' ~ by_build
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set conditions = whole -%}
    {%- if months -%}
        {%- do conditions.append('toYYYYMM(' ~ column ~ ') in (' ~ months | join(' union all ') ~ ')') -%}
    {%- endif -%}
    {%- do return('(' ~ (conditions | join(' or ') if conditions else 'false') ~ ')') -%}
{%- endmacro %}
