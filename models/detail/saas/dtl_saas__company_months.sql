{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(company_id, report_month)',
) }}

with paid_rows as (
    select * from {{ ref('dtl_saas__paid_rows') }}
),

tariffs as (
    select * from {{ ref('dim_saas_tariffs') }}
),

subscriptions as (
    select * from {{ ref('dtl_saas__subscriptions') }}
),

activities as (
    select * from {{ ref('stg_saas__activities') }}
),

people as (
    select * from {{ ref('stg_saas__people') }}
),

as_of as (
    select any(as_of_date) as as_of_date from subscriptions
),

-- Months a subscription overlaps; a running one counts through the as-of date, not its paid-up date.
subscription_months as (
    select
        subscriptions.company_id as company_id,
        toStartOfMonth(subscriptions.started_on) as first_month,
        toUInt32(dateDiff(
            'month',
            toStartOfMonth(subscriptions.started_on),
            toStartOfMonth(if(subscriptions.is_running, as_of.as_of_date + 1, subscriptions.ended_on) - 1)
        ) + 1) as months
    from subscriptions
    cross join as_of
),

active_months as (
    select distinct
        company_id,
        addMonths(first_month, month_offset) as report_month
    from subscription_months
    array join range(months) as month_offset
),

-- The month's last covered day: the latest day of the month that a paid row covers.
last_covered_days as (
    select
        active_months.company_id as company_id,
        active_months.report_month as report_month,
        max(least(paid_rows.covered_until, addMonths(active_months.report_month, 1)) - 1) as last_covered_day
    from active_months
    inner join paid_rows on active_months.company_id = paid_rows.company_id
    where
        paid_rows.covered_from < addMonths(active_months.report_month, 1)
        and paid_rows.covered_until > active_months.report_month
    group by active_months.company_id, active_months.report_month
),

-- The paid row covering that day with the latest pay_date (then the highest id) sets the month's price.
month_rows as (
    select
        last_covered_days.company_id as company_id,
        last_covered_days.report_month as report_month,
        argMax(
            (paid_rows.monthly_price, paid_rows.billing_tariff_id),
            paid_rows.paid_row_no
        ) as month_row
    from last_covered_days
    inner join paid_rows on last_covered_days.company_id = paid_rows.company_id
    where
        paid_rows.covered_from <= last_covered_days.last_covered_day
        and paid_rows.covered_until > last_covered_days.last_covered_day
    group by last_covered_days.company_id, last_covered_days.report_month
),

-- A bonus row (zero price) or a month without a covered day has no price of its own: it keeps the
-- company's latest earlier one (docs metric_saas_mrr); the tariff likewise when no day is covered.
own_prices as (
    select
        active_months.company_id as company_id,
        active_months.report_month as report_month,
        month_rows.month_row.2 as own_tariff_id,
        if(month_rows.month_row.1 = 0, null, month_rows.month_row.1) as own_mrr
    from active_months
    left join month_rows
        on
            active_months.company_id = month_rows.company_id
            and active_months.report_month = month_rows.report_month
),

carried as (
    select
        company_id,
        report_month,
        coalesce(last_value(own_mrr) over company_history, 0) as mrr,
        last_value(own_tariff_id) over company_history as billing_tariff_id
    from own_prices
    window company_history as (
        partition by company_id order by report_month rows between unbounded preceding and current row
    )
),

with_previous as (
    select
        company_id,
        report_month,
        mrr,
        billing_tariff_id,
        row_number() over company_order as month_no,
        lagInFrame(report_month) over company_pair = addMonths(report_month, -1) as was_active_before,
        lagInFrame(mrr) over company_pair as mrr_before,
        leadInFrame(report_month) over company_next = addMonths(report_month, 1) as is_active_after
    from carried
    window
        company_order as (partition by company_id order by report_month),
        company_pair as (
            partition by company_id order by report_month rows between 1 preceding and current row
        ),
        company_next as (
            partition by company_id order by report_month rows between current row and 1 following
        )
),

-- Movements in the order of docs metric_saas_movement: new, churn, reactivation, expansion, contraction,
-- retained.
active_rows as (
    select
        company_id,
        report_month,
        multiIf(
            month_no = 1, 'new',
            not was_active_before, 'reactivation',
            mrr > mrr_before, 'expansion',
            mrr < mrr_before, 'contraction',
            'retained'
        ) as movement,
        mrr,
        if(month_no > 1 and was_active_before, mrr_before, 0) as previous_mrr,
        billing_tariff_id
    from with_previous
),

-- The month after the last active one of a subscription that is not running: the churn row keeps the
-- attributes of the month before.
churn_rows as (
    select
        with_previous.company_id as company_id,
        addMonths(with_previous.report_month, 1) as report_month,
        'churn' as movement,
        toFloat64(0) as mrr,
        with_previous.mrr as previous_mrr,
        with_previous.billing_tariff_id as billing_tariff_id
    from with_previous
    cross join as_of
    where not with_previous.is_active_after and addMonths(with_previous.report_month, 1) <= as_of.as_of_date
),

company_months as (
    select
        *,
        true as is_active
    from active_rows
    union all
    select
        *,
        false as is_active
    from churn_rows
),

users_per_month as (
    select
        company_months.company_id as company_id,
        company_months.report_month as report_month,
        countIf(
            people.created_at < addMonths(company_months.report_month, 1)
            and (people.deleted_at is null or people.deleted_at >= company_months.report_month)
        ) as users_active
    from company_months
    inner join people on company_months.company_id = people.company_id
    group by company_months.company_id, company_months.report_month
),

final as (
    select
        company_months.company_id as company_id,
        company_months.report_month as report_month,
        company_months.movement as movement,
        company_months.is_active as is_active,
        company_months.mrr as mrr,
        company_months.previous_mrr as previous_mrr,
        company_months.billing_tariff_id as billing_tariff_id,
        tariffs.tariff_group as tariff_group,
        activities.invoices as invoices,
        activities.stocks as stocks,
        activities.backups as backups,
        activities.projects as projects,
        activities.contractors as contractors,
        activities.resource_orders as resource_orders,
        coalesce(users_per_month.users_active, 0) as users_active
    from company_months
    left join tariffs on company_months.billing_tariff_id = tariffs.billing_tariff_id
    left join users_per_month
        on
            company_months.company_id = users_per_month.company_id
            and company_months.report_month = users_per_month.report_month
    left join activities
        on
            company_months.company_id = activities.company_id
            and company_months.report_month = activities.activity_month
)

select * from final
