with installation_days as (
    select * from {{ ref('dtl_smart__installation_days') }}
),

final as (
    select
        cabinet,
        client,
        report_date,
        reports,
        sessions,
        searches,
        empty_searches,
        empty_search_pct,
        users_active_max,
        documents_opened
    from installation_days
)

select * from final
