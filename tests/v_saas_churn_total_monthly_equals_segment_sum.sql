-- The monthly totals are the sums of the segments: each additive column of v_saas_churn_total_monthly
-- (saas_churn_counts) equals the sum of v_saas_churn_monthly over industry, size bucket and tariff group.
-- Returns the months where any column differs (money to 0.01), or that only one side has.
{%- set differs = [] -%}
{%- for column in saas_churn_counts() -%}
    {%- do differs.append('not ifNull(abs(compared.' ~ column ~ ' - summed.' ~ column ~ ') < 0.01, false)') -%}
{%- endfor %}

with segments as (
    select * from {{ ref('v_saas_churn_monthly') }}
),

totals as (
    select * from {{ ref('v_saas_churn_total_monthly') }}
),

segment_sums as (
    select
        report_month,
        {{ saas_churn_count_sums() }}
    from segments
    group by report_month
),

-- a flag, not a NULL key, marks each side: the test holds whatever the session's join_use_nulls
compared as (
    select
        totals.*,
        toUInt8(1) as in_totals
    from totals
),

summed as (
    select
        segment_sums.*,
        toUInt8(1) as in_segments
    from segment_sums
)

select
    if(ifNull(compared.in_totals, 0) = 1, compared.report_month, summed.report_month) as report_month,
    ifNull(compared.in_totals, 0) = 0 as missing_in_totals,
    ifNull(summed.in_segments, 0) = 0 as missing_in_segments
from compared
full outer join summed on compared.report_month = summed.report_month
where
    ifNull(compared.in_totals, 0) = 0
    or ifNull(summed.in_segments, 0) = 0
    or {{ differs | join(' or ') }}
