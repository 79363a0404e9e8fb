with committed_batches as (
    select batch_id from {{ source('loader', 'committed_batches') }}
),

registry as (
    select * from {{ source('smart', 'registry') }}
),

-- One row per client of a list version: a list loaded again (a resent file) is taken from its latest load,
-- and a client a list repeats keeps its first line (the lowest _source_row); the repeats are reported by
-- stg_smart__registry_repeats.
deduplicated as (
    select *
    from registry
    where _batch_id in (select committed_batches.batch_id from committed_batches)
    order by cabinet asc, version_date asc, client asc, _loaded_at desc, _source_row asc
    limit 1 by cabinet, version_date, client
),

renamed as (
    select
        cabinet,
        version_date,
        client,
        if(cast(layout, 'String') = 'internet', 'internet', 'on_premises') as kind,
        toBool(cast(layout, 'String') = 'internet') as is_polled,
        manager,
        manager_email,
        address,
        protocol,
        if(cast(layout, 'String') = 'internet', concat(protocol, '://', address, '/'), null) as url,
        tz_correction,
        {{ smart_utc_offset_hours('tz_correction') }} as utc_offset_hours,
        {{ smart_version_start('version_date') }} as version_starts_at,
        _source_row as source_row,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from deduplicated
)

select * from renamed
