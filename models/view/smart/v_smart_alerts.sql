with alerts as (
    select * from {{ ref('dtl_smart__alerts') }}
),

final as (
    select
        alert_id,
        cabinet,
        client,
        rule,
        opened_at,
        resolved_at,
        recipients,
        is_inhibited,
        cast(priority, 'LowCardinality(String)') as priority
    from alerts
)

select * from final
