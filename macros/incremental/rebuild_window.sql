{#-
    rebuild_window(column, built_column=none, lookback_days=none, margin_days=0, newer_only=false)

    The window an incremental run of a detail model rebuilds, as a condition on the rows it reads: `column`
    at or after the newest `built_column` already in the model (`this`, read as `existing`) less
    `lookback_days` (default: the `lookback_days` var), so late rows of those days are rebuilt; a filter on
    rows read only as context for the rebuilt ones (history, a parent that starts earlier) widens it by
    `margin_days` more. With `newer_only`, the window is what is newer than anything built, with no
    lookback: a model that rebuilds whole keys (an account's every month) when they are delivered again.
    A full build, or a model's first run, has no window: the condition is `true`.

      column         the rows' column or expression the window filters (e.g. `started_at`, `a.created_at`)
      built_column   the model's own column the window is measured on (default: `column` without its
                     qualifier), or an expression over `existing.` columns
      lookback_days  days, or an SQL expression of days, the window reaches back from the newest built row
      margin_days    extra days back, for rows read as context only
      newer_only     strictly newer than the newest built value; lookback and margin do not apply

    e.g. `where {{ rebuild_window('contact_started_at', built_column='started_at', margin_days=1) }}`
    renders, in an incremental run,
    `contact_started_at >= (select max(existing.started_at) - toIntervalDay(3) - toIntervalDay(1) from ...)`.
-#}
{% macro rebuild_window(column, built_column=none, lookback_days=none, margin_days=0, newer_only=false) -%}
    {%- if not is_incremental() -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- set built = built_column if built_column is not none else column.split('.')[-1] -%}
    {%- set built = built if '(' in built else 'existing.' ~ built -%}
    {%- if newer_only -%}
        {%- do return(column ~ ' > (select max(' ~ built ~ ') from ' ~ this ~ ' as existing)') -%}
    {%- endif -%}
    {%- set days = var('lookback_days') if lookback_days is none else lookback_days -%}
    {%- set margin = ' - toIntervalDay(' ~ margin_days ~ ')' if margin_days else '' -%}
    {%- do return(
        column ~ ' >= (select max(' ~ built ~ ') - toIntervalDay(' ~ days ~ ')' ~ margin
        ~ ' from ' ~ this ~ ' as existing)'
    ) -%}
{%- endmacro %}
