{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='account_id',
    engine='MergeTree()',
    partition_by='toYear(report_month)',
    order_by='(report_month, territory_code, product_code, account_id)',
    ttl='report_month + toIntervalYear(3)',
    pre_hook="
        {% if is_incremental() %}
            {%- set delivered = rebuild_window('loaded_at', newer_only=true) %}
            delete from {{ this }}
            where account_id in (
                select redelivered.account_id from (
                    {{ where_through_keys(
                        ref('stg_brm__accounts'), ['account_id'], delivered,
                        deliveries=ref('stg_brm__account_deliveries'),
                    ) }}
                ) as redelivered
            )
        {% endif %}
    ",
) }}

with calendar as (
    select * from {{ ref('dim_calendar') }}
),

account_deliveries as (
    select * from {{ ref('stg_brm__account_deliveries') }}
),

-- Months the warehouse reports on: from the calendar's first month to the month of the freshest account
-- state delivered; later months are not known yet. The freshest state is the newest updated_at of any
-- delivery (each account's latest version wins its deduplication), read without deduplicating.
horizon as (
    select
        min(toStartOfMonth(c.calendar_date)) as first_month,
        (select toStartOfMonth(max(d.updated_at)) from account_deliveries as d) as last_month
    from calendar as c
),

-- An account's months follow from its latest version alone, so a run rebuilds every month of the accounts
-- delivered since the last run, and of every account when the horizon has moved to a new month. They are
-- found among the deliveries, then read through their keys: only their raw rows are deduplicated.
{%- set rebuilt_accounts -%}
    {{ rebuild_window('loaded_at', newer_only=true) }}
    or {{ rebuild_window('(select h.last_month from horizon as h)', built_column='report_month', newer_only=true) }}
{%- endset %}
accounts as (
    {{ where_through_keys(
        ref('stg_brm__accounts'), ['account_id'], rebuilt_accounts,
        deliveries='account_deliveries',
    ) }}
),

accounts_in_horizon as (
    select
        accounts.account_id as account_id,
        accounts.customer_id as customer_id,
        accounts.territory_code as territory_code,
        accounts.product_code as product_code,
        accounts.tariff_code as tariff_code,
        accounts.loaded_at as loaded_at,
        greatest(
            toStartOfMonth(toDate(assumeNotNull(accounts.activated_at))),
            assumeNotNull((select h.first_month from horizon as h))
        ) as first_active_month,
        if(
            accounts.deactivated_at is null,
            assumeNotNull((select h.last_month from horizon as h)),
            least(
                toStartOfMonth(toDate(accounts.deactivated_at)), assumeNotNull((select h.last_month from horizon as h))
            )
        ) as last_active_month
    from accounts
    where accounts.activated_at is not null
),

-- An account is active in a month when it was activated on or before the month's last day and not
-- deactivated before its first day (docs: metric_active_subscribers).
account_months as (
    select
        account_id,
        customer_id,
        territory_code,
        product_code,
        tariff_code,
        loaded_at,
        -- one row per month of activity (activated_at is never NULL here: see the filter above);
        -- `months_in` is the lambda's parameter, not a column
        arrayJoin(
            arrayMap(
                months_in -> addMonths(first_active_month, months_in),  -- noqa: RF02
                range(toUInt32(greatest(0, 1 + dateDiff('month', first_active_month, last_active_month))))
            )
        ) as report_month
    from accounts_in_horizon
)

select
    *,
    {{ build_id() }} as build_id
from account_months
