{#-
    A `dbt build` tests what it changed; `dbt test` and a full refresh test everything.

    The daily build rewrites a few days of each detail table and reads one more day of each extract, but
    a test that scans a whole table costs the same every day. So within a `dbt build` of the whole project
    that is not a full refresh, the tests of
      - a detail model check the rows this build wrote (`build_id` is the build's invocation id), and
      - a staging view check the rows of the keys delivered in batches committed since the last build of
        the whole project whose nodes all passed (`audit.dbt_builds`), declared in the model's meta as
        `changed_keys: {columns: [...], source_columns: [...]}` (source_columns where the raw table names
        them otherwise): the key filter reaches the raw table under the view's deduplication, so the view
        reads only those keys.
    A uniqueness test checks every row that shares a key with a changed row, so a duplicate between a new
    row and an old one is still found; where the model's key bounds a sorting column (its `delete_bound`
    range, macros/incremental/delete_insert.sql), those rows are looked for within that range only.
    Everything else, and every test of `dbt test`, checks all rows.
    Passing `--vars '{test_all_rows: true}'` makes a build check everything too.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- if config.get('where') -%}{%- do filters.append(config.get('where')) -%}{%- endif -%}
    {%- set changed = changed_rows_filter(relation) -%}
    {%- if changed -%}{%- do filters.append(changed) -%}{%- endif -%}
    {%- if filters -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ filters | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- The SQL condition that limits a test of `relation` to the rows this build changed, or '' for all rows. -#}
{% macro changed_rows_filter(relation) -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH or var('test_all_rows', false) -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if tested is none or relation.identifier != tested.alias -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set kind = model.test_metadata.name if model.test_metadata else '' -%}
    {%- set unique_columns = model.test_metadata.kwargs.get('columns', []) if kind == 'unique_combination' else [] -%}
    {%- if 'build_id' in tested.columns -%}
        {%- set rows = "build_id = '" ~ invocation_id ~ "'" -%}
        {%- if unique_columns -%}
            {%- set keys = unique_columns | join(', ') -%}
            {%- set sharing = '(' ~ keys ~ ') in (select ' ~ keys ~ ' from ' ~ relation ~ ' where ' ~ rows ~ ')' -%}
            {#- a model whose key fixes a sorting column's range (delete_bound) keeps its rows of one key there -#}
            {%- set bound = tested.config.get('delete_bound') or {} -%}
            {%- set unique_key = tested.config.get('unique_key') or [] -%}
            {%- set unique_key = unique_key.split(',') if unique_key is string else unique_key -%}
            {%- if bound.get('from_key') and unique_key | map('trim') | sort == unique_columns | sort -%}
                {%- set sharing = sharing ~ ' and ' ~ key_bound_range(bound, relation, rows) -%}
            {%- endif -%}
            {%- do return(sharing) -%}
        {%- endif -%}
        {%- do return(rows) -%}
    {%- endif -%}
    {%- set changed_keys = tested.config.meta.get('changed_keys') -%}
    {%- if changed_keys -%}
        {%- do return(changed_keys_filter(tested, changed_keys)) -%}
    {%- endif -%}
    {%- do return('') -%}
{%- endmacro %}


{#- Keys of a staging view's source delivered in batches committed since the last clean whole-project build. -#}
{% macro changed_keys_filter(tested, changed_keys) -%}
    {%- set since = last_clean_build_start() -%}
    {%- if not since -%}{%- do return('') -%}{%- endif -%}
    {%- set source_ids = [] -%}
    {%- for parent in tested.depends_on.nodes if parent.startswith('source.') -%}
        {%- do source_ids.append(parent) -%}
    {%- endfor -%}
    {%- set source_node = graph.sources[source_ids | reject('equalto', committed_batches_source_id()) | first] -%}
    {%- set source_relation = api.Relation.create(schema=source_node.schema, identifier=source_node.identifier) -%}
    {%- set batches -%}
        select batch_id from {{ source('loader', 'committed_batches') }}
        where committed_at >= toDateTime64('{{ since }}', 3, 'UTC')
    {%- endset -%}
    {%- set source_columns = changed_keys.get('source_columns', changed_keys.columns) -%}
    {%- do return(
        '(' ~ changed_keys.columns | join(', ') ~ ') in (select ' ~ source_columns | join(', ')
        ~ ' from ' ~ source_relation ~ ' where _batch_id in (' ~ batches ~ '))'
    ) -%}
{%- endmacro %}


{% macro committed_batches_source_id() -%}
    {%- do return('source.' ~ project_name ~ '.loader.committed_batches') -%}
{%- endmacro %}


{#- Start of the latest `dbt build` of the whole project whose nodes all passed, or none. -#}
{% macro last_clean_build_start() -%}
    {#- on-run-start creates the log (macros/build_scope/build_log.sql) -#}
    {%- set log = api.Relation.create(schema='audit', identifier='dbt_builds') -%}
    {%- set query -%}
        select toString(max(started_at)) from {{ log }}
        where command = 'build' and whole_project and failures = 0
        having count() > 0
    {%- endset -%}
    {%- set found = run_query(query) -%}
    {%- do return(found.columns[0].values()[0] if found.rows | length > 0 else none) -%}
{%- endmacro %}


{#-
    For singular tests of a detail model: the condition on its rows that this build wrote, or 'true' where a
    test checks every row. The same rules as the generic tests' (changed_rows_filter): `dbt test`, a full
    refresh and `test_all_rows` check everything.
-#}
{% macro written_by_this_build() -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH or var('test_all_rows', false) -%}
        {%- do return('true') -%}
    {%- endif -%}
    {%- do return("build_id = '" ~ invocation_id ~ "'") -%}
{%- endmacro %}
