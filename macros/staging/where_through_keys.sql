{#-
    The rows of a deduplicating staging view (or a CTE over one) that meet `condition`.

    In an incremental run they are found through their keys: a filter on the key columns reaches under the
    view's deduplication (`LIMIT 1 BY` the key), so only the rows of those keys are sorted, while a filter on
    any other column waits until the whole raw table is deduplicated, every column of it. The keys are found
    by reading the view with only the columns the condition needs, which is cheaper but still a pass over
    the whole history. Given `deliveries` (the source's deliveries view, or a CTE over it, with the key and
    every column the condition names), they are found there instead, where a filter reaches the raw
    partitions: every view row is a delivery, so the deliveries that meet the condition name every key.
    A full build reads every row anyway and filters directly. Either way, the same rows as
    `select * from relation where condition`. `through_keys` says which run is the narrow one where
    `is_incremental()` cannot (a snapshot's later runs).
-#}
{% macro where_through_keys(relation, key_columns, condition, through_keys=none, deliveries=none) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- if (is_incremental() if through_keys is none else through_keys) %}
        select * from {{ relation }}
        where
            ({{ keys }}) in (select {{ keys }} from {{ deliveries or relation }} where {{ condition }})
            and ({{ condition }})
    {%- else %}
        select * from {{ relation }}
        where {{ condition }}
    {%- endif %}
{%- endmacro %}
