{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['campaign_id', 'customer_id'],
    engine='MergeTree()',
    order_by='(campaign_id, segment_code, customer_id)',
) }}

{%- set time_zone = var('mkt_time_zone') %}
{#- Delivered since the last build: newer than the newest delivery of that input the built rows were made
    from. Each input has its own clock, because the loads of different extracts need not share one. -#}
{%- set never = "toDateTime64(0, 3, 'UTC')" %}
{%- set since_built = {} %}
{%- for input in ['member', 'campaign', 'communications', 'accounts'] %}
    {%- do since_built.update({input: rebuild_window(
        'delivered.loaded_at', built_column='ifNull(existing.' ~ input ~ '_loaded_at, ' ~ never ~ ')', newer_only=true
    )}) %}
{%- endfor %}
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

-- the deliveries views are read only by an incremental run, to find what changed and whose it is
member_deliveries as (  -- noqa: ST03
    select * from {{ ref('stg_crm__campaign_member_deliveries') }}
),

communication_deliveries as (  -- noqa: ST03
    select * from {{ ref('stg_crm__communication_deliveries') }}
),

account_deliveries as (  -- noqa: ST03
    select * from {{ ref('stg_brm__account_deliveries') }}
),

-- A member's row follows from its campaign, its own listing, its communications and every version of every
-- account that names its customer. So an incremental run rebuilds the members of the customers named by
-- any version of an account or a communication delivered since the last build (a version can move either
-- to another customer: both customers' results change), the members delivered since, and every member of
-- a campaign delivered since. The customers' accounts and communications are found among the deliveries
-- (a filter there reaches the raw tables) and read through their keys.
{%- if is_incremental() %}
    changed_customers as (  -- noqa: ST03
        select named.customer_id from account_deliveries as named
        where
            named.account_id in (
                select delivered.account_id from account_deliveries as delivered
                where {{ since_built['accounts'] }}
            )
        union distinct
        select named.customer_id from communication_deliveries as named
        where
            named.communication_id in (
                select delivered.communication_id from communication_deliveries as delivered
                where {{ since_built['communications'] }}
            )
        union distinct
        select delivered.customer_id from member_deliveries as delivered
        where {{ since_built['member'] }}
    ),

    changed_campaigns as (  -- noqa: ST03
        select delivered.campaign_id from campaigns as delivered
        where {{ since_built['campaign'] }}
    ),
{%- endif %}
{%- set rebuilt_member = (
    'customer_id in changed_customers or campaign_id in changed_campaigns' if is_incremental() else 'true'
) %}

rebuilt_members as (
    {{ where_through_keys(
        'members', ['campaign_id', 'customer_id'], rebuilt_member,
        deliveries='member_deliveries',
    ) }}
),

{% if is_incremental() %}
    -- the rebuilt members' customers, from the deliveries: a superset (a member delivered in a changed
    -- campaign names its customer), found without sorting the members' view once more
    rebuilt_customers as (  -- noqa: ST03
        select changed.customer_id from changed_customers as changed
        union distinct
        select delivered.customer_id from member_deliveries as delivered
        where delivered.campaign_id in changed_campaigns
    ),
{% endif %}

-- every version of each account that any version names a rebuilt member's customer with
customer_account_versions as (
    select * from account_versions
    {%- if is_incremental() %}
        where account_id in (
            select named.account_id from account_deliveries as named
            where named.customer_id in rebuilt_customers
        )
    {%- endif %}
),

-- the rebuilt members' communications: every one whose latest version names one of their customers
customer_communications as (
    select * from communications
    {%- if is_incremental() %}
        where communication_id in (
            select named.communication_id from communication_deliveries as named
            where named.customer_id in rebuilt_customers
        )
    {%- endif %}
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
        toDate(members.assigned_at, '{{ time_zone }}') - campaigns.response_window_days as pre_period_start,
        members.loaded_at as member_loaded_at,
        campaigns.loaded_at as campaign_loaded_at
    from rebuilt_members as members
    inner join campaigns on members.campaign_id = campaigns.campaign_id
),

-- One pass over the account history, each version with its account's place in it. Every later step reads
-- this once: ClickHouse evaluates a CTE at each reference, and each reference would deduplicate the raw
-- accounts again. The account's customer, product and activation day are argMax over its versions, as an
-- aggregate over the account would give them.
account_history as (
    select
        account_id,
        customer_id,
        product_code,
        tariff_code,
        updated_at,
        loaded_at,
        lagInFrame(tariff_code) over account_history as previous_tariff_code,
        row_number() over account_history as version_no,
        argMax(customer_id, updated_at) over whole_account as account_customer_id,
        argMax(product_code, updated_at) over whole_account as account_product_code,
        argMax(activated_at, updated_at) over whole_account as account_activated_at
    from customer_account_versions
    window
        account_history as (
            partition by account_id order by updated_at rows between unbounded preceding and current row
        ),
        whole_account as (
            partition by account_id order by updated_at rows between unbounded preceding and unbounded following
        )
),

-- Per version, what it tells about customers: its own customer is known to billing (a row without a
-- contract), and the contracts it records (docs metric_mkt_contract), each as (product, tariff, date):
--   cross-sell, the account opened, once per account (its first version), with the tariff NULL and dated by
--     the day billing activated it (billing writes the date alone, so it is that date as written);
--   upsell, a version on a tariff after a version on a different one, dated by the Moscow day of its
--     updated_at.
customer_facts as (
    select
        loaded_at,
        tupleElement(fact, 1) as fact_customer_id,
        tupleElement(fact, 2) as contract
    from account_history
    array join arrayConcat(
        [(customer_id, cast(null, 'Nullable(Tuple(String, Nullable(String), Date))'))],
        if(
            version_no = 1 and account_activated_at is not null,
            [(
                account_customer_id,
                tuple(
                    toString(account_product_code), cast(null as Nullable(String)),
                    toDate(account_activated_at, 'UTC')
                )
            )],
            []
        ),
        if(
            version_no > 1 and tariff_code != previous_tariff_code,
            [(
                customer_id,
                tuple(toString(product_code), toString(tariff_code), toDate(updated_at, '{{ time_zone }}'))
            )],
            []
        )
    ) as fact
),

-- Every customer billing knows, with the contracts of their accounts and the newest delivery of the versions
-- that name them.
billing_customers as (
    select
        fact_customer_id as customer_id,
        groupArrayIf(assumeNotNull(contract), contract is not null) as contracts,
        max(loaded_at) as loaded_at
    from customer_facts
    where fact_customer_id is not null
    group by fact_customer_id
),

-- docs metric_mkt_converted: once per member however many contracts fall in the window. The dates of the
-- member's contracts for the campaign's offer: a new account of the product for a cross-sell (no offered
-- tariff), a move to the offered tariff for an upsell. `c` and `d` are the lambdas' parameters, not columns.
member_contracts as (
    select
        w.campaign_id as campaign_id,
        w.customer_id as customer_id,
        w.segment_code as segment_code,
        w.member_group as member_group,
        w.priority as priority,
        w.assigned_at as assigned_at,
        w.is_in_both_groups as is_in_both_groups,
        w.campaign_name as campaign_name,
        w.channel as channel,
        w.offer_product_code as offer_product_code,
        w.offer_tariff_code as offer_tariff_code,
        w.response_window_days as response_window_days,
        w.window_start as window_start,
        w.window_end as window_end,
        w.pre_period_start as pre_period_start,
        w.member_loaded_at as member_loaded_at,
        w.campaign_loaded_at as campaign_loaded_at,
        billing_customers.loaded_at as accounts_loaded_at,
        billing_customers.customer_id is not null as is_billing_customer,
        arrayMap(
            c -> c.3,  -- noqa: RF02
            arrayFilter(
                c -> c.1 = w.offer_product_code and ifNull(c.2, '') = ifNull(w.offer_tariff_code, ''),  -- noqa: RF02
                billing_customers.contracts
            )
        ) as offer_contract_dates,
        arrayFilter(
            d -> d >= w.window_start and d < w.window_end,  -- noqa: RF02
            offer_contract_dates
        ) as window_contract_dates,
        toUInt64(length(window_contract_dates)) as window_contracts,
        toUInt64(arrayCount(
            d -> d >= w.pre_period_start and d < w.window_start,  -- noqa: RF02
            offer_contract_dates
        )) as pre_period_contracts,
        if(window_contracts > 0, arrayMin(window_contract_dates), null) as converted_on
    from member_windows as w
    left join billing_customers on w.customer_id = billing_customers.customer_id
),

member_communications as (
    select
        campaign_id,
        customer_id,
        count() as communications,
        countIf(is_delivered) as delivered_communications,
        countIf(outcome = 'agreed') as agreed_communications,
        max(loaded_at) as newest_loaded_at
    from customer_communications
    group by campaign_id, customer_id
),

final as (
    select
        m.campaign_id as campaign_id,
        m.customer_id as customer_id,
        m.segment_code as segment_code,
        m.campaign_name as campaign_name,
        m.offer_product_code as offer_product_code,
        m.offer_tariff_code as offer_tariff_code,
        m.channel as channel,
        m.member_group as member_group,
        m.priority as priority,
        m.assigned_at as assigned_at,
        m.window_start as window_start,
        m.window_end as window_end,
        m.pre_period_start as pre_period_start,
        m.is_in_both_groups as is_in_both_groups,
        -- the newest delivery of each input the row was made from: the clocks of the next incremental run
        m.member_loaded_at as member_loaded_at,
        m.campaign_loaded_at as campaign_loaded_at,
        member_communications.newest_loaded_at as communications_loaded_at,
        m.accounts_loaded_at as accounts_loaded_at,
        cast(m.window_contracts > 0 as Bool) as is_converted,
        cast(m.pre_period_contracts > 0 as Bool) as is_pre_converted,
        cast(ifNull(member_communications.delivered_communications, 0) > 0 as Bool) as is_delivered,
        cast(ifNull(member_communications.agreed_communications, 0) > 0 as Bool) as is_agreed,
        cast(m.is_billing_customer as Bool) as is_known_to_billing,
        cast(
            m.member_group = 'control' and not m.is_in_both_groups
            and ifNull(member_communications.communications, 0) > 0 as Bool
        ) as is_contacted_control,
        m.converted_on as converted_on,
        m.window_contracts as window_contracts,
        ifNull(member_communications.communications, 0) as communications
    from member_contracts as m
    left join member_communications
        on m.campaign_id = member_communications.campaign_id and m.customer_id = member_communications.customer_id
)

select
    *,
    {{ build_id() }} as build_id
from final
