{#-
    minmax_index(column): a model's `indexes` entry for a minmax skip index on `column`, one range per
    granule. For a key the source system numbers in order (an appeal id, a Cisco sessionID), a lookup of a
    few days' keys then reads only the granules whose range can hold them, in a table sorted by something
    else. The index only skips granules that cannot match, so no result depends on it.
    e.g. `{{ config(..., indexes=[minmax_index('appeal_id')]) }}`.
-#}
{% macro minmax_index(column) -%}
    {%- do return({'name': column ~ '_minmax', 'definition': column ~ ' TYPE minmax GRANULARITY 1'}) -%}
{%- endmacro %}
