{#-
    The cloud service's active users (docs/metrics.md, metric_saas_users_active), once: on a company's row a
    person counts while not deleted at all. dtl_saas__companies (users per company) and
    dtl_saas__company_roles (users per company and role) both filter people with it, so the role mix the
    churn notebook tests adds up to the portrait's users.
-#}
{% macro saas_user_is_active(deleted_at='deleted_at') -%}
    {{ deleted_at }} is null
{%- endmacro %}
