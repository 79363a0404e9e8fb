with source as (
    {{ latest_committed_rows(source('smart', 'sysinfo'), ['cabinet', 'client', 'reported_at']) }}
),

-- Times stay on the machine's clock here (the offset is the registry version's, which detail matches:
-- dtl_smart__reports gives each report its UTC time beside the local one).
renamed as (
    select
        cabinet,
        client,
        reported_at as reported_at_local,
        product_version,
        operup_last_run as operup_last_run_local,
        operup_status,
        operup_errors,
        users_total,
        users_active,
        sessions,
        searches,
        empty_searches,
        documents_opened,
        disk_free_gb,
        _extra as extra_fields,
        _source as source_file,
        _source_row as source_row,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        toDate(reported_at) as report_date
    from source
)

select * from renamed
