{#-
    The rows of a raw table that staging may see: only rows of committed load batches (the loader's batch
    log, models/staging/loader/_loader__sources.yml), and of rows delivered more than once (a resent file,
    overlapping extracts, a corrected record) only one per key: the newest `version_column` where the table
    has one (its meta in the group's sources YAML), otherwise the row of the most recently loaded extract.
    Rejected rows never reach raw, so a malformed row cannot replace a good one.
    superseded_committed_rows is the complement: the committed rows that rule replaced (every version of a
    key but the winner), for the data-quality reports; both share one order, so they never disagree.
    committed_deliveries is every committed row, each version of a key: what a deliveries view reads
    (e.g. stg_cms__contact_call_detail_deliveries), where a filter on any column reaches the raw table.
-#}
{% macro latest_committed_rows(relation, key_columns, version_column=none) -%}
    {{ _committed_rows_by_key(relation, key_columns, version_column, '1') }}
{%- endmacro %}

{% macro superseded_committed_rows(relation, key_columns, version_column=none) -%}
    {{ _committed_rows_by_key(relation, key_columns, version_column, '1, 18446744073709551615') }}
{%- endmacro %}

{% macro committed_deliveries(relation) -%}
    select *
    from {{ relation }}
    where {{ _in_committed_batch() }}
{%- endmacro %}

{% macro _in_committed_batch() -%}
    _batch_id in (select batch_id from {{ source('loader', 'committed_batches') }})
{%- endmacro %}

{% macro _committed_rows_by_key(relation, key_columns, version_column, limit) -%}
    select *
    from {{ relation }}
    where {{ _in_committed_batch() }}
    order by
        {{ key_columns | join(', ') }},
        {% if version_column %}{{ version_column }} desc, {% endif -%}
        _loaded_at desc,
        _source_row desc
    limit {{ limit }} by {{ key_columns | join(', ') }}
{%- endmacro %}
