{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(company_id, role_id)',
) }}

with people as (
    select * from {{ ref('stg_saas__people') }}
),

companies as (
    select * from {{ ref('stg_saas__companies') }}
),

active_people as (
    select
        company_id,
        -- a user the export gives no role keeps an empty role, so the company's rows still add up to its users
        toLowCardinality(ifNull(role_id, '')) as role_id
    from people
    where {{ saas_user_is_active() }}
),

final as (
    select
        companies.company_id as company_id,
        active_people.role_id as role_id,
        toUInt32(count()) as users_active
    from active_people
    inner join companies on active_people.company_id = companies.company_id
    group by companies.company_id, active_people.role_id
)

select * from final
