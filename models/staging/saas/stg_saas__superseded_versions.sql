{#- Each extract with its key and version column as its declaration (_saas__sources.yml) and its staging
    model say. -#}
with companies as (
    {{ superseded_committed_rows(source('saas', 'companies'), ['id'], version_column='updated_at') }}
),

people as (
    {{ superseded_committed_rows(source('saas', 'people'), ['user_id'], version_column='updated_at') }}
),

billing as (
    {{ superseded_committed_rows(source('saas', 'billing'), ['id'], version_column='updated_at') }}
),

activities as (
    {{ superseded_committed_rows(source('saas', 'activities'), ['company_id', 'month']) }}
),

-- An activity row's key is its company and month, as one text.
activity_keys as (
    select
        *,
        concat(company_id, ' ', toString(month)) as row_key
    from activities
),

superseded as (
    select
        id as row_key,
        _source as source,
        _source_row as source_row,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        'companies' as extract
    from companies
    union all
    select
        user_id as row_key,
        _source as source,
        _source_row as source_row,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        'people' as extract
    from people
    union all
    select
        id as row_key,
        _source as source,
        _source_row as source_row,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        'billing' as extract
    from billing
    union all
    select
        row_key,
        _source as source,
        _source_row as source_row,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        'activities' as extract
    from activity_keys
),

final as (
    select
        extract,
        row_key,
        source,
        source_row,
        batch_id,
        loaded_at
    from superseded
)

select * from final
