select
    report_date,
    service_code,
    offered,
    {{ cc_service_level_pct() }} as service_level_pct,
    {{ cc_abandon_rate_pct() }} as abandon_rate_pct,
    {{ cc_sl_only_handled_pct() }} as sl_only_handled_pct,
    {{ cc_sl_positive_abandon_pct() }} as sl_positive_abandon_pct,
    {{ cc_sl_negative_abandon_pct() }} as sl_negative_abandon_pct,
    {{ safe_mean('handled * 30', 'handled') }} as mean_of_thirty
from {{ ref('counts') }}
