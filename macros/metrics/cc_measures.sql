{#-
    The contact-center counts of a group of contacts (rows of dtl_cms__contacts), defined once for every
    grain: day, 30-minute interval, month. Used inside a select that groups dtl_cms__contacts.
-#}
{% macro cc_contact_counts() -%}
    count() as offered,
    countIf(outcome = 'handled') as handled,
    countIf(outcome = 'abandoned') as abandoned,
    countIf(outcome = 'other') as other_outcomes,
    countIf(is_short_abandon) as short_abandoned,
    countIf(is_handled_within_sl) as handled_within_sl,
    countIf(is_abandoned_within_sl) as abandoned_within_sl,
    sumIf(queue_time_sec, outcome = 'handled') as handled_queue_time_sec,
    sumIf(handle_time_sec, outcome = 'handled') as handled_handle_time_sec
{%- endmacro %}

{#-
    The same counts summed to a coarser grain over an aggregate that has them (a day over services and
    territories): counts add up, rates do not, so recompute them after with cc_contact_rates.
-#}
{% macro cc_contact_count_sums() -%}
    sum(offered) as offered,
    sum(handled) as handled,
    sum(abandoned) as abandoned,
    sum(other_outcomes) as other_outcomes,
    sum(short_abandoned) as short_abandoned,
    sum(handled_within_sl) as handled_within_sl,
    sum(abandoned_within_sl) as abandoned_within_sl,
    sum(handled_queue_time_sec) as handled_queue_time_sec,
    sum(handled_handle_time_sec) as handled_handle_time_sec
{%- endmacro %}

{#- The rates of those counts (docs/metrics.md), for the select over an aggregate's columns. -#}
{% macro cc_contact_rates() -%}
    {{ cc_service_level_pct() }} as service_level_pct,
    {{ cc_abandon_rate_pct() }} as abandon_rate_pct,
    {{ safe_mean('handled_queue_time_sec', 'handled') }} as asa_sec,
    {{ safe_mean('handled_handle_time_sec', 'handled') }} as aht_sec,
    {{ cc_sl_only_handled_pct() }} as sl_only_handled_pct,
    {{ cc_sl_positive_abandon_pct() }} as sl_positive_abandon_pct,
    {{ cc_sl_negative_abandon_pct() }} as sl_negative_abandon_pct
{%- endmacro %}

{#- Forecast error: signed, positive when more contacts came than forecast (docs/metrics.md). -#}
{% macro forecast_error_pct(actual='offered', forecast='forecast_offered') -%}
    if(ifNull({{ forecast }}, 0) = 0, NULL, 100 * ({{ actual }} - {{ forecast }}) / {{ forecast }})
{%- endmacro %}
