{#-
    The build log, `audit.dbt_builds`: one row per `dbt build`, `run` or `test`, written when it ends. A
    build's staging tests check the keys delivered since the start of the last clean build of the whole
    project (macros/build_scope/changed_rows.sql), and the on-call engineer reads here when the warehouse
    was last built and whether everything passed.
-#}
{% macro create_build_log() -%}
    create table if not exists audit.dbt_builds (
        invocation_id String comment 'dbt invocation id; detail rows carry the id of the build that wrote them in build_id',
        command LowCardinality(String) comment 'build, run or test',
        whole_project Bool comment 'no --select, --exclude or --selector: every node of the project ran',
        full_refresh Bool comment 'run with --full-refresh',
        started_at DateTime64(3, 'UTC') comment 'when the invocation started',
        finished_at DateTime64(3, 'UTC') comment 'when it ended',
        nodes UInt32 comment 'nodes that ran',
        failures UInt32 comment 'nodes that failed, errored or were skipped after a failure'
    )
    engine = MergeTree
    order by started_at
{%- endmacro %}


{% macro record_build(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'test') -%}
        {%- set args = invocation_args_dict -%}
        {%- set whole = not (args.get('select') or args.get('exclude') or args.get('selector')) -%}
        {%- set passed = ['success', 'pass', 'warn', 'no-op'] -%}
        {%- set failures = results | rejectattr('status', 'in', passed) | list | length -%}
        insert into audit.dbt_builds values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            {{ 'true' if whole else 'false' }},
            {{ 'true' if flags.FULL_REFRESH else 'false' }},
            toDateTime64('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] }}', 3, 'UTC'),
            now64(3, 'UTC'),
            {{ results | length }},
            {{ failures }}
        )
    {%- endif -%}
{%- endmacro %}
