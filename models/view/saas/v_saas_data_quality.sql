with data_quality as (
    select * from {{ ref('agg_saas__data_quality') }}
),

final as (
    select
        extract,
        defect,
        is_export_defect,
        description,
        "rows",
        action
    from data_quality
)

select * from final
