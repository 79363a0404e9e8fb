{#-
    The campaigns' statistics (docs/metrics.md, metric_mkt_*), once. Arguments are SQL expressions of counts:
    x converted members and n members of the target (t) and control (c) groups. Every one is NULL when a
    group is empty (ClickHouse evaluates both branches of if(), so a guarded 0/0 is a NaN never returned).
-#}

{#- The z of a two-sided 95 % interval (METRICS.md fixes the interval at 95 %). -#}
{% macro mkt_z_95() -%}1.96{%- endmacro %}

{#- metric_mkt_uplift_pp: target − control conversion, in percentage points. -#}
{% macro mkt_uplift_pp(x_t, n_t, x_c, n_c) -%}
    if(({{ n_t }}) = 0 or ({{ n_c }}) = 0, NULL, 100 * (({{ x_t }}) / ({{ n_t }}) - ({{ x_c }}) / ({{ n_c }})))
{%- endmacro %}

{#- The variance of the difference of the two conversion shares, each group's own (metric_mkt_uplift_ci). -#}
{% macro mkt_uplift_variance(x_t, n_t, x_c, n_c) -%}
    if(
        ({{ n_t }}) = 0 or ({{ n_c }}) = 0,
        NULL,
        ({{ x_t }}) / ({{ n_t }}) * (1 - ({{ x_t }}) / ({{ n_t }})) / ({{ n_t }})
        + ({{ x_c }}) / ({{ n_c }}) * (1 - ({{ x_c }}) / ({{ n_c }})) / ({{ n_c }})
    )
{%- endmacro %}

{#- The variance of that difference under no effect: the pooled share's (metric_mkt_p_value). -#}
{% macro mkt_pooled_variance(x_t, n_t, x_c, n_c) -%}
    if(
        ({{ n_t }}) = 0 or ({{ n_c }}) = 0,
        NULL,
        (({{ x_t }}) + ({{ x_c }})) / (({{ n_t }}) + ({{ n_c }}))
        * (1 - (({{ x_t }}) + ({{ x_c }})) / (({{ n_t }}) + ({{ n_c }})))
        * (1 / ({{ n_t }}) + 1 / ({{ n_c }}))
    )
{%- endmacro %}

{#- metric_mkt_uplift_ci: the interval's low (sign -1) or high (sign 1) end, from uplift_pp and its variance. -#}
{% macro mkt_uplift_ci_pp(uplift_pp, variance, sign) -%}
    ({{ uplift_pp }}) + ({{ sign }}) * {{ mkt_z_95() }} * 100 * sqrt({{ variance }})
{%- endmacro %}

{#- metric_mkt_p_value: two-sided, erfc(|z| / √2); NULL without variance (nobody, or everybody, converted). -#}
{% macro mkt_p_value(uplift_pp, null_variance) -%}
    if(
        ({{ null_variance }}) > 0,
        erfc(abs(({{ uplift_pp }}) / 100) / sqrt({{ null_variance }}) / sqrt(2)),
        NULL
    )
{%- endmacro %}

{#- metric_mkt_did_uplift_pp: (target after − before) − (control after − before), in points. -#}
{% macro mkt_did_uplift_pp(x_t, pre_t, n_t, x_c, pre_c, n_c) -%}
    if(
        ({{ n_t }}) = 0 or ({{ n_c }}) = 0,
        NULL,
        100 * ((({{ x_t }}) - ({{ pre_t }})) / ({{ n_t }}) - (({{ x_c }}) - ({{ pre_c }})) / ({{ n_c }}))
    )
{%- endmacro %}

{#- metric_mkt_incremental_contracts: the uplift's share of the target members. -#}
{% macro mkt_incremental_contracts(uplift_pp, n_t) -%}
    ({{ uplift_pp }}) / 100 * ({{ n_t }})
{%- endmacro %}
