{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(campaign_id, segment_code, customer_id)',
) }}

{%- set time_zone = var('mkt_time_zone') %}
with campaigns as (
    select * from {{ ref('stg_crm__campaigns') }}
),

members as (
    select * from {{ ref('stg_crm__campaign_members') }}
),

communications as (
    select * from {{ ref('stg_crm__communications') }}
),

account_versions as (
    select * from {{ ref('stg_brm__account_versions') }}
),

-- docs metric_mkt_window: the window and the pre-period in whole days of the CRM's and billing's calendar.
member_windows as (
    select
        members.campaign_id as campaign_id,
        members.customer_id as customer_id,
        members.segment_code as segment_code,
        members.member_group as member_group,
        members.priority as priority,
        members.assigned_at as assigned_at,
        members.is_in_both_groups as is_in_both_groups,
        campaigns.campaign_name as campaign_name,
        campaigns.channel as channel,
        campaigns.offer_product_code as offer_product_code,
        campaigns.offer_tariff_code as offer_tariff_code,
        campaigns.response_window_days as response_window_days,
        toDate(members.assigned_at, '{{ time_zone }}') as window_start,
        toDate(members.assigned_at, '{{ time_zone }}') + campaigns.response_window_days as window_end,
        toDate(members.assigned_at, '{{ time_zone }}') - campaigns.response_window_days as pre_period_start
    from members
    inner join campaigns on members.campaign_id = campaigns.campaign_id
),

-- One row per account in its latest version: its customer, product and activation day.
accounts as (
    select
        account_id,
        argMax(customer_id, updated_at) as customer_id,
        argMax(product_code, updated_at) as product_code,
        argMax(activated_at, updated_at) as activated_at
    from account_versions
    group by account_id
),

-- docs metric_mkt_contract, cross-sell: a new account, dated by the day billing activated it (billing writes
-- the date alone, so it is that date as written).
new_accounts as (
    select
        customer_id,
        product_code,
        toDate(activated_at, 'UTC') as contract_date
    from accounts
    where activated_at is not null
),

-- docs metric_mkt_contract, upsell: a version on a tariff after a version on a different one, dated by the
-- Moscow day of its updated_at.
tariff_versions as (
    select
        account_id,
        customer_id,
        product_code,
        tariff_code,
        updated_at,
        lagInFrame(tariff_code) over account_history as previous_tariff_code,
        row_number() over account_history as version_no
    from account_versions
    window account_history as (
        partition by account_id order by updated_at rows between unbounded preceding and current row
    )
),

tariff_changes as (
    select
        customer_id,
        product_code,
        tariff_code,
        toDate(updated_at, '{{ time_zone }}') as contract_date
    from tariff_versions
    where version_no > 1 and tariff_code != previous_tariff_code
),

member_contracts as (
    select
        w.campaign_id as campaign_id,
        w.customer_id as customer_id,
        c.contract_date as contract_date
    from member_windows as w
    inner join new_accounts as c
        on w.customer_id = c.customer_id and w.offer_product_code = c.product_code
    where w.offer_tariff_code is null
    union all
    select
        w.campaign_id as campaign_id,
        w.customer_id as customer_id,
        c.contract_date as contract_date
    from member_windows as w
    inner join tariff_changes as c
        on
            w.customer_id = c.customer_id
            and w.offer_product_code = c.product_code
            and w.offer_tariff_code = c.tariff_code
    where w.offer_tariff_code is not null
),

-- docs metric_mkt_converted: once per member however many contracts fall in the window.
conversions as (
    select
        member_contracts.campaign_id as campaign_id,
        member_contracts.customer_id as customer_id,
        minIf(
            member_contracts.contract_date,
            member_contracts.contract_date >= w.window_start and member_contracts.contract_date < w.window_end
        ) as first_contract_date,
        countIf(
            member_contracts.contract_date >= w.window_start and member_contracts.contract_date < w.window_end
        ) as window_contracts,
        countIf(
            member_contracts.contract_date >= w.pre_period_start
            and member_contracts.contract_date < w.window_start
        ) as pre_period_contracts
    from member_contracts
    inner join member_windows as w
        on member_contracts.campaign_id = w.campaign_id and member_contracts.customer_id = w.customer_id
    group by member_contracts.campaign_id, member_contracts.customer_id
),

member_communications as (
    select
        campaign_id,
        customer_id,
        count() as communications,
        countIf(is_delivered) as delivered_communications,
        countIf(outcome = 'agreed') as agreed_communications
    from communications
    group by campaign_id, customer_id
),

billing_customers as (
    select distinct customer_id from account_versions
),

final as (
    select
        w.campaign_id as campaign_id,
        w.customer_id as customer_id,
        w.segment_code as segment_code,
        w.campaign_name as campaign_name,
        w.offer_product_code as offer_product_code,
        w.offer_tariff_code as offer_tariff_code,
        w.channel as channel,
        w.member_group as member_group,
        w.priority as priority,
        w.assigned_at as assigned_at,
        w.window_start as window_start,
        w.window_end as window_end,
        w.pre_period_start as pre_period_start,
        w.is_in_both_groups as is_in_both_groups,
        cast(ifNull(conversions.window_contracts, 0) > 0 as Bool) as is_converted,
        cast(ifNull(conversions.pre_period_contracts, 0) > 0 as Bool) as is_pre_converted,
        cast(ifNull(member_communications.delivered_communications, 0) > 0 as Bool) as is_delivered,
        cast(ifNull(member_communications.agreed_communications, 0) > 0 as Bool) as is_agreed,
        cast(billing_customers.customer_id is not null as Bool) as is_known_to_billing,
        cast(
            w.member_group = 'control' and not w.is_in_both_groups
            and ifNull(member_communications.communications, 0) > 0 as Bool
        ) as is_contacted_control,
        if(ifNull(conversions.window_contracts, 0) > 0, conversions.first_contract_date, null) as converted_on,
        ifNull(conversions.window_contracts, 0) as window_contracts,
        ifNull(member_communications.communications, 0) as communications
    from member_windows as w
    left join conversions
        on w.campaign_id = conversions.campaign_id and w.customer_id = conversions.customer_id
    left join member_communications
        on w.campaign_id = member_communications.campaign_id and w.customer_id = member_communications.customer_id
    left join billing_customers on w.customer_id = billing_customers.customer_id
)

select
    *,
    {{ build_id() }} as build_id
from final
