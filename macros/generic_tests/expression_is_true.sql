{#- Every row satisfies a boolean SQL expression, e.g. `crm_call_appeals >= matched + crm_only`. -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
