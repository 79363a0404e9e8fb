{#- A percentage is NULL (no denominator) or a finite number from 0 to 100. -#}
{% test percentage(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
        and (not isFinite({{ column_name }}) or {{ column_name }} < 0 or {{ column_name }} > 100)
{% endtest %}
