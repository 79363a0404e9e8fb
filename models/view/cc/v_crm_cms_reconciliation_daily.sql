with reconciliation as (
    select * from {{ ref('agg_cc__reconciliation_daily') }}
),

services as (
    select * from {{ ref('dim_services') }}
),

final as (
    select
        r.report_date as report_date,
        r.service_code as service_code,
        s.service_name as service_name,
        r.cms_handled as cms_handled,
        r.crm_call_appeals as crm_call_appeals,
        r.matched as matched,
        r.cms_only as cms_only,
        r.crm_only as crm_only,
        r.match_rate_pct as match_rate_pct
    from reconciliation as r
    left join services as s on r.service_code = s.service_code
)

select * from final
