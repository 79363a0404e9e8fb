-- The current assignment of every operator: the latest version of the WFM roster (no next version yet).
-- The relation the staff snapshot watches; a view over stg_wfm__staff, so it never reads a source twice.
with staff as (
    select * from {{ ref('stg_wfm__staff') }}
),

final as (
    select
        operator_login,
        resource_login_id,
        full_name,
        team,
        service_code,
        territory_code,
        rate_fte,
        hired_at,
        fired_at,
        valid_from
    from staff
    where valid_to is null
)

select * from final
