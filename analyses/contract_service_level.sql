{#-
    The contract's service level for a period ("актирование"), under each Cisco convention side by side, with
    the counts behind them: received (offered) = served (handled) + lost (abandoned) + other outcomes. Every rate
    is recomputed from the period's sums of agg_cc__service_daily (never a mean of daily rates) by the metric
    macros the models use. Vars (all optional): period_start, period_end (default: the month of the latest full
    date, up to it), contract_service, contract_territory (default: every service, every territory).
    analyses/contract_service_level.yml has an example.
-#}
{%- set period_start = var('period_start', none) -%}
{%- set period_end = var('period_end', none) -%}
{%- set contract_service = var('contract_service', none) -%}
{%- set contract_territory = var('contract_territory', none) -%}

-- The default day's source; a var given in its place leaves it unread (hence noqa).
with national_daily as (  -- noqa: ST03
    select * from {{ ref('v_cc_national_daily') }}
),

service_daily as (
    select * from {{ ref('agg_cc__service_daily') }}
),

period_bounds as (
    select
        {% if period_end is none -%}
            {{ latest_whole_date('national_daily') }}
        {%- else -%}
            toDate({{ sql_string(period_end) }})
        {%- endif %} as period_end,
        {% if period_start is none -%}
            toStartOfMonth(period_end)
        {%- else -%}
            toDate({{ sql_string(period_start) }})
        {%- endif %} as period_start
),

period_days as (
    select * from service_daily
    where
        report_date >= (select period_bounds.period_start from period_bounds)
        and report_date <= (select period_bounds.period_end from period_bounds)
        -- the optional filters: `true` when no var names one
        and {{ 'service_code = ' ~ sql_string(contract_service) if contract_service is not none else 'true' }}
        and {{ 'territory_code = ' ~ sql_string(contract_territory) if contract_territory is not none else 'true' }}
),

-- The period's counts: sums of the daily counts (counts add up over days, services and territories).
period_counts as (
    select
        (select period_bounds.period_start from period_bounds) as period_start,
        (select period_bounds.period_end from period_bounds) as period_end,
        uniqExact(report_date) as days_with_contacts,
        {{ cc_contact_count_sums() }}
    from period_days
),

final as (
    select
        period_start,
        period_end,
        {% if contract_service is not none -%}
            cast({{ sql_string(contract_service) }} as Nullable(String))
        {%- else -%}
            cast(null as Nullable(String))
        {%- endif %} as service_code,
        {% if contract_territory is not none -%}
            cast({{ sql_string(contract_territory) }} as Nullable(String))
        {%- else -%}
            cast(null as Nullable(String))
        {%- endif %} as territory_code,
        days_with_contacts,
        offered,
        handled,
        abandoned,
        other_outcomes,
        short_abandoned,
        handled_within_sl,
        abandoned_within_sl,
        -- the rates of the period's counts, each by its metric macro (docs/metrics.md), as every aggregate has them
        {{ cc_contact_rates() }}
    from period_counts
)

select * from final
