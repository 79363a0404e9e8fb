{#-
    The reporting interval's length in seconds: intervals are 30 minutes, aligned to the local clock
    (docs/metrics.md, "Units and time"). Staffing per interval divides scheduled seconds by it.
-#}
{% macro interval_sec() -%}
    1800
{%- endmacro %}

{#- Scheduled agents of an interval: scheduled `work` seconds over the interval's length (metric_scheduled_agents). -#}
{% macro scheduled_agents(work_sec='work_sec') -%}
    ({{ work_sec }}) / {{ interval_sec() }}
{%- endmacro %}
