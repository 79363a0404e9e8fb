with source as (
    {{ latest_committed_rows(source('crm', 'appeals'), ['appeal_id']) }}
),

renamed as (
    select
        appeal_id,
        created_at,
        channel,
        customer_id,
        account_id,
        territory_code,
        product_code,
        service_code,
        category,
        status,
        cast(status in ('resolved', 'closed') as Bool) as is_resolved,
        resolved_at,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(contact_ref, '') as contact_ref,
        nullIf(subcategory, '') as subcategory,
        nullIf(operator_login, '') as operator_login,
        nullIf(comment, '') as comment
    from source
)

select * from renamed
