{#-
    The scorecard (docs/metrics.md, metric_scorecard_score): its components, declared once, in the order
    the cards show them. `component` is the name in dim_scorecard_targets, `value` the column scored,
    `score` the score column. `handled` is scored per scheduled hour (metric_handled_per_hour).
-#}
{% macro scorecard_components() -%}
    {%- do return([
        {'component': 'handled', 'value': 'handled_per_hour', 'score': 'handled_score'},
        {'component': 'aht_sec', 'value': 'aht_sec', 'score': 'aht_score'},
        {'component': 'fcr_pct', 'value': 'fcr_pct', 'score': 'fcr_score'},
        {'component': 'occupancy_pct', 'value': 'occupancy_pct', 'score': 'occupancy_score'},
        {'component': 'service_level_pct', 'value': 'service_level_pct', 'score': 'service_level_score'},
        {'component': 'csat_avg', 'value': 'csat_avg', 'score': 'csat_score'},
    ]) -%}
{%- endmacro %}

{#-
    A component's score: 0 at `floor`, 100 at `target`, linear between and clamped to [0, 100]. The
    direction follows from the order: floor > target means lower is better (AHT). NULL when the value is
    NULL (an empty denominator) or there is no target; never 0 for a missing value (greatest and least
    skip NULLs, so the guard comes first).
-#}
{% macro scorecard_score(value, floor, target) -%}
    if(
        isNull({{ value }}) or isNull({{ floor }}) or isNull({{ target }}) or ({{ floor }}) = ({{ target }}),
        NULL,
        least(100, greatest(0, 100 * (({{ value }}) - ({{ floor }})) / (({{ target }}) - ({{ floor }}))))
    )
{%- endmacro %}

{#-
    The integral score: the weight-averaged score over the components whose score is not NULL; NULL when
    none is. `components` is scorecard_components(); each component's weight is the column
    `<component><weight_suffix>` of the row (its row of dim_scorecard_targets).
-#}
{% macro scorecard_integral_score(components, weight_suffix='_weight') -%}
    {%- set weighted = [] -%}
    {%- set weights = [] -%}
    {%- for c in components -%}
        {%- set weight = c.component ~ weight_suffix -%}
        {%- do weighted.append('if(isNull(' ~ c.score ~ '), 0, ' ~ c.score ~ ' * ' ~ weight ~ ')') -%}
        {%- do weights.append('if(isNull(' ~ c.score ~ '), 0, ' ~ weight ~ ')') -%}
    {%- endfor -%}
    if(
        ({{ weights | join(' + ') }}) = 0,
        NULL,
        ({{ weighted | join(' + ') }}) / ({{ weights | join(' + ') }})
    )
{%- endmacro %}

{#- Handled contacts per scheduled hour (metric_handled_per_hour): NULL when nothing was scheduled. -#}
{% macro handled_per_hour(handled='handled', scheduled_sec='scheduled_sec') -%}
    {{ safe_mean('3600 * (' ~ handled ~ ')', scheduled_sec) }}
{%- endmacro %}
