{#-
    The rows of a deduplicating staging view (or a CTE over one) that meet `condition`.

    In an incremental run they are found through their keys: a filter on the key columns reaches under the
    view's deduplication (`LIMIT 1 BY` the key), so only the rows of those keys are sorted, while a filter on
    any other column waits until the whole raw table is deduplicated, every column of it. The keys are found
    by reading the view with only the columns the condition needs, which is cheaper but still a pass over
    the whole history; `candidates` (a CTE or query of key tuples holding every key that meets `condition`,
    e.g. read from the source's deliveries view, where a filter reaches the raw partitions) spares even that.
    A full build reads every row anyway and filters directly. Either way, the same rows as
    `select * from relation where condition`. `through_keys` says which run is the narrow one where
    `is_incremental()` cannot (a snapshot's later runs).
-#}
{% macro where_through_keys(relation, key_columns, condition, through_keys=none, candidates=none) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set found = candidates or '(select ' ~ keys ~ ' from ' ~ relation ~ ' where ' ~ condition ~ ')' -%}
    {%- if (is_incremental() if through_keys is none else through_keys) %}
        select * from {{ relation }}
        where
            ({{ keys }}) in (select {{ keys }} from {{ found }})
            and ({{ condition }})
    {%- else %}
        select * from {{ relation }}
        where {{ condition }}
    {%- endif %}
{%- endmacro %}
