{#-
    How a snapshot run writes its changes into the snapshot table: only the rows it changes are written.

    dbt-clickhouse copies every unchanged row into a new table and swaps it in, so each run rewrites the whole
    history. Here the staging table's 'update' rows name the current versions a run closes (their dbt_scd_id
    and new dbt_valid_to) and its 'insert' rows are the new versions. A run
      1. inserts the closed form of each closed version (its stored row with the new dbt_valid_to) and the
         new versions: new parts holding only the run's rows;
      2. deletes the still-open originals of the closed versions with a lightweight DELETE, which only marks
         rows as gone in the parts that hold them (no column of the table is rewritten).
    The delete cannot touch what step 1 wrote: a closed copy has its dbt_valid_to set, and a new version is
    spared by its (dbt_scd_id, dbt_valid_from), which no original shares (a version is new only when it
    starts later than the current one), even where the scd id alone would match (a snapshot whose stored
    validity was edited). Inserting first means a run that fails between the steps leaves an extra open row
    (which the snapshot's unique test reports), never a lost version.
    `ALTER TABLE ... UPDATE dbt_valid_to` would be one statement, but it is a mutation that rewrites the
    column in every part holding a closed version (with the history spread over all parts: the whole
    column), and its new value per row would need a join the mutation cannot express.
    Hard deletes ('delete' rows, when a snapshot invalidates them) close versions the same way.
-#}
{% macro clickhouse__snapshot_merge_sql(target, source, insert_cols) -%}
    {%- set insert_cols_csv = insert_cols | join(', ') -%}
    {%- set valid_to_col = adapter.quote('dbt_valid_to') -%}
    {%- set closed_versions -%}
        select dbt_scd_id from {{ source }} where dbt_change_type in ('update', 'delete')
    {%- endset %}

    {%- set closed_form = [] -%}
    {%- for column in insert_cols -%}
        {%- do closed_form.append(
            'closing.dbt_valid_to as dbt_valid_to' if column == valid_to_col
            else 'stored.' ~ column ~ ' as ' ~ column
        ) -%}
    {%- endfor %}

    {% call statement('insert_closed_versions') %}
        insert into {{ target }} ({{ insert_cols_csv }})
        select {{ closed_form | join(', ') }}
        from (
            select * from {{ target }}
            where dbt_valid_to is null and dbt_scd_id in ({{ closed_versions }})
        ) as stored
        inner join (
            select dbt_scd_id, dbt_valid_to from {{ source }} where dbt_change_type in ('update', 'delete')
        ) as closing on stored.dbt_scd_id = closing.dbt_scd_id
    {% endcall %}

    {% call statement('insert_new_versions') %}
        insert into {{ target }} ({{ insert_cols_csv }})
        select {{ insert_cols_csv }}
        from {{ source }}
        where dbt_change_type = 'insert'
    {% endcall %}

    {% call statement('delete_closed_originals') %}
        delete from {{ target }} {{ on_cluster_clause(target) }}
        where
            dbt_valid_to is null
            and dbt_scd_id in ({{ closed_versions }})
            and (dbt_scd_id, dbt_valid_from) not in (
                select dbt_scd_id, dbt_valid_from from {{ source }} where dbt_change_type = 'insert'
            )
    {% endcall %}

    {% do return('select 1') %}
{%- endmacro %}
