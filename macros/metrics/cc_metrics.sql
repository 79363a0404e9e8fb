{#-
    Contact-center rates (docs/metrics.md). Arguments are column names or expressions of the counts
    of one grain; each rate is defined here once and used by every aggregate and view.
-#}

{% macro cc_service_level_pct(handled_within_sl='handled_within_sl', offered='offered',
                              short_abandoned='short_abandoned') -%}
    {{ pct(handled_within_sl, offered ~ ' - ' ~ short_abandoned) }}
{%- endmacro %}

{% macro cc_abandon_rate_pct(abandoned='abandoned', offered='offered', short_abandoned='short_abandoned') -%}
    {{ pct(abandoned ~ ' - ' ~ short_abandoned, offered ~ ' - ' ~ short_abandoned) }}
{%- endmacro %}

{% macro cc_sl_only_handled_pct(handled_within_sl='handled_within_sl', handled='handled') -%}
    {{ pct(handled_within_sl, handled) }}
{%- endmacro %}

{% macro cc_sl_positive_abandon_pct(handled_within_sl='handled_within_sl',
                                    abandoned_within_sl='abandoned_within_sl', offered='offered') -%}
    {{ pct(handled_within_sl ~ ' + ' ~ abandoned_within_sl, offered) }}
{%- endmacro %}

{% macro cc_sl_negative_abandon_pct(handled_within_sl='handled_within_sl', offered='offered') -%}
    {{ pct(handled_within_sl, offered) }}
{%- endmacro %}
