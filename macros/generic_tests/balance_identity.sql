{#-
    An identity between counts that must hold on every row, e.g. offered = handled + abandoned + other.
    `total` is one column; `parts` the columns that must add up to it exactly.
-#}
{% test balance_identity(model, total, parts) %}
    select *
    from {{ model }}
    where {{ total }} != {{ parts | join(' + ') }}
{% endtest %}
