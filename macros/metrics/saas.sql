{#-
    The cloud service's active users (docs/metrics.md, metric_saas_users_active), once: on a company's row a
    person counts while not deleted at all. dtl_saas__companies (users per company) and
    dtl_saas__company_roles (users per company and role) both filter people with it, so the role mix the
    churn notebook tests adds up to the portrait's users.
-#}
{% macro saas_user_is_active(deleted_at='deleted_at') -%}
    {{ deleted_at }} is null
{%- endmacro %}

{#-
    The additive columns of the saas churn bridge (docs/metrics.md, metric_saas_active_start …): the logo
    counts and the MRR bridge of a month, declared once for every grain that sums them (segments, totals).
-#}
{% macro saas_churn_counts() -%}
    {%- do return(['active_start', 'new', 'reactivated', 'churned', 'active_end', 'mrr_start', 'new_mrr',
                   'expansion_mrr', 'contraction_mrr', 'churned_mrr', 'reactivation_mrr', 'mrr_end']) -%}
{%- endmacro %}

{#-
    `sum(<column>) as <column>` for each additive column: a coarser grain over a grain that has them
    (a month over its segments). Counts add up, rates do not: recompute them with saas_churn_rates.
-#}
{% macro saas_churn_count_sums() -%}
    {%- for column in saas_churn_counts() -%}
        sum({{ column }}) as {{ column }}{{ ",\n        " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#-
    The churn rates of those columns (metric_saas_logo_churn_pct, metric_saas_gross_mrr_churn_pct,
    metric_saas_net_mrr_churn_pct), for the select over a grain's sums; defined here once.
-#}
{% macro saas_churn_rates() -%}
    {{ pct('churned', 'active_start') }} as logo_churn_pct,
    {{ pct('churned_mrr + contraction_mrr', 'mrr_start') }} as gross_mrr_churn_pct,
    {{ pct('churned_mrr + contraction_mrr - expansion_mrr - reactivation_mrr', 'mrr_start') }}
        as net_mrr_churn_pct
{%- endmacro %}
