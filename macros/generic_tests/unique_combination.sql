{#-
    The declared grain of a model: no two rows share the same values of `columns`.
    Usage: data_tests: [{unique_combination: {arguments: {columns: [report_date, service_code]}}}]
-#}
{% test unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count() as rows_at_grain
    from {{ model }}
    group by {{ columns | join(', ') }}
    having rows_at_grain > 1
{% endtest %}
