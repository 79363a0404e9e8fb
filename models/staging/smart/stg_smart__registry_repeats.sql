with committed_batches as (
    select batch_id from {{ source('loader', 'committed_batches') }}
),

registry as (
    select * from {{ source('smart', 'registry') }}
),

-- The lines of a list's latest load that name a client an earlier line of the same list already named:
-- loaded, but not the installation's row (stg_smart__registry keeps the first).
latest_loads as (
    select
        cabinet,
        version_date,
        max(_loaded_at) as loaded_at
    from registry
    where _batch_id in (select committed_batches.batch_id from committed_batches)
    group by cabinet, version_date
),

numbered as (
    select
        registry.cabinet as cabinet,
        registry.version_date as version_date,
        registry.client as client,
        registry.manager_email as manager_email,
        registry._source_row as source_row,
        registry._batch_id as batch_id,
        row_number() over (
            partition by registry.cabinet, registry.version_date, registry.client
            order by registry._source_row
        ) as occurrence
    from registry
    inner join latest_loads
        on
            registry.cabinet = latest_loads.cabinet
            and registry.version_date = latest_loads.version_date
            and registry._loaded_at = latest_loads.loaded_at
    where registry._batch_id in (select committed_batches.batch_id from committed_batches)
),

final as (
    select
        cabinet,
        version_date,
        client,
        manager_email,
        source_row,
        batch_id,
        toUInt32(occurrence) as occurrence
    from numbered
    where occurrence > 1
)

select * from final
