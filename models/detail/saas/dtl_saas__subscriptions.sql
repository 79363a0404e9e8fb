{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(company_id, subscription_no)',
) }}

{%- set grace_days = var('saas_grace_days') %}
with paid_rows as (
    select * from {{ ref('dtl_saas__paid_rows') }}
),

-- The as-of date (docs metric_saas_as_of), declared in dtl_saas__paid_rows; the churn models read it from here.
as_of as (
    select any(as_of_date) as as_of_date from paid_rows
),

-- Paid rows whose coverage is at least one day.
covering_spans as (
    select
        company_id,
        covered_from,
        covered_until
    from paid_rows
    where covered_until > covered_from
),

-- A span opens a new subscription when the company's coverage so far ended more than the grace before it.
spans_with_gap as (
    select
        company_id,
        covered_from,
        covered_until,
        row_number() over company_spans as span_no,
        max(covered_until) over (
            company_spans rows between unbounded preceding and 1 preceding
        ) as covered_so_far
    from covering_spans
    window company_spans as (partition by company_id order by covered_from, covered_until)
),

islands as (
    select
        company_id,
        covered_from,
        covered_until,
        sum(
            toUInt32(span_no = 1 or dateDiff('day', covered_so_far, covered_from) > {{ grace_days }})
        ) over (
            partition by company_id order by covered_from, covered_until
            rows between unbounded preceding and current row
        ) as subscription_no
    from spans_with_gap
),

subscriptions as (
    select
        company_id,
        subscription_no,
        min(covered_from) as started_on,
        max(covered_until) as ended_on
    from islands
    group by company_id, subscription_no
),

final as (
    select
        subscriptions.company_id as company_id,
        toUInt32(subscriptions.subscription_no) as subscription_no,
        subscriptions.started_on as started_on,
        subscriptions.ended_on as ended_on,
        as_of.as_of_date as as_of_date,
        subscriptions.ended_on + {{ grace_days }} > as_of.as_of_date as is_running
    from subscriptions
    cross join as_of
)

select * from final
