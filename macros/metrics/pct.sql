{#-
    A percentage of two counts: 100 × numerator / denominator, NULL when the denominator is zero
    (docs/metrics.md: never a division error and never 0). Every rate of the project goes through here.
-#}
{% macro pct(numerator, denominator) -%}
    if(({{ denominator }}) = 0, NULL, 100 * ({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}

{#- A mean that is NULL, not NaN, over no rows: sum / count with the same guard as pct. -#}
{% macro safe_mean(total, count) -%}
    if(({{ count }}) = 0, NULL, ({{ total }}) / ({{ count }}))
{%- endmacro %}

{#- A rate per thousand (appeals per 1000 subscribers), NULL when the denominator is zero. -#}
{% macro per_thousand(numerator, denominator) -%}
    if(({{ denominator }}) = 0, NULL, 1000 * ({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}
