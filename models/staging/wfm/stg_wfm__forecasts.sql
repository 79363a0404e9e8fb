with source as (
    {{ latest_committed_rows(
        source('wfm', 'forecasts'),
        ['service_code', 'territory_code', 'interval_start', 'published_at'],
    ) }}
),

renamed as (
    select
        service_code,
        territory_code,
        interval_start as interval_start_local,
        forecast_offered,
        forecast_aht_sec,
        required_agents,
        published_at as published_at_local,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        toDate(interval_start) as report_date
    from source
)

select * from renamed
