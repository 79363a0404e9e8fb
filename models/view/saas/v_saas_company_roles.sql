with company_roles as (
    select * from {{ ref('dtl_saas__company_roles') }}
),

roles as (
    select * from {{ ref('dim_saas_roles') }}
),

final as (
    select
        company_roles.company_id as company_id,
        company_roles.role_id as role_id,
        roles.role_name as role_name,
        company_roles.users_active as users_active
    from company_roles
    left join roles on company_roles.role_id = roles.role_id
)

select * from final
