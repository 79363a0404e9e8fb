{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(offer_product_code, segment_code)',
) }}

with results as (
    select * from {{ ref('agg_mkt__campaign_results') }}
),

-- docs metric_mkt_segment_uplift: the campaigns of the offer combined with weights n_T / Σ n_T, over the
-- campaigns whose uplift exists (both groups non-empty); Σ w² × variance is Σ n_T² × variance / (Σ n_T)².
combined as (
    select
        offer_product_code,
        segment_code,
        count() as campaigns,
        sum(target_members + control_members) as members,
        sumIf(target_members, uplift_pp is not null) as measured_target_members,
        sumIf(incremental_contracts, uplift_pp is not null) as incremental_contracts,
        sumIf(target_members * target_members * uplift_variance, uplift_pp is not null) as weighted_variance,
        sumIf(target_members * target_members * null_variance, uplift_pp is not null) as weighted_null_variance
    from results
    group by offer_product_code, segment_code
),

statistics as (
    select
        offer_product_code,
        segment_code,
        campaigns,
        members,
        incremental_contracts,
        if(measured_target_members = 0, null, 100 * incremental_contracts / measured_target_members) as uplift_pp,
        if(
            measured_target_members = 0, null, weighted_variance / (measured_target_members * measured_target_members)
        ) as uplift_variance,
        if(
            measured_target_members = 0,
            null,
            weighted_null_variance / (measured_target_members * measured_target_members)
        ) as null_variance,
        {{ per_thousand('incremental_contracts', 'measured_target_members') }} as incremental_per_1000
    from combined
),

tested as (
    select
        offer_product_code,
        segment_code,
        campaigns,
        members,
        incremental_contracts,
        uplift_pp,
        {{ mkt_uplift_ci_pp('uplift_pp', 'uplift_variance', -1) }} as uplift_ci_low_pp,
        {{ mkt_uplift_ci_pp('uplift_pp', 'uplift_variance', 1) }} as uplift_ci_high_pp,
        {{ mkt_p_value('uplift_pp', 'null_variance') }} as p_value,
        incremental_per_1000
    from statistics
),

-- docs metric_mkt_priority_rank: only segments with evidence are ranked.
final as (
    select
        offer_product_code,
        segment_code,
        campaigns,
        members,
        incremental_contracts,
        uplift_pp,
        uplift_ci_low_pp,
        uplift_ci_high_pp,
        p_value,
        incremental_per_1000,
        cast(ifNull(p_value < {{ var('mkt_alpha') }}, false) as Bool) as has_evidence,
        if(
            has_evidence,
            row_number() over (
                partition by offer_product_code, has_evidence order by incremental_per_1000 desc, segment_code asc
            ),
            null
        ) as priority_rank,
        if(has_evidence, 'ranked', 'no evidence yet') as priority_status
    from tested
)

select * from final
