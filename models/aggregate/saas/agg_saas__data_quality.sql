{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(extract, defect)',
) }}

with defect_rows as (
    select * from {{ ref('dtl_saas__defect_rows') }}
),

catalog as (
    select * from {{ ref('dim_saas_defects') }}
),

counts as (
    select
        extract,
        defect,
        count() as defect_rows
    from defect_rows
    group by extract, defect
),

-- Every defect of the catalog, found or not (0 rows). A code found but missing from the catalog still shows,
-- with an empty description and action, and fails this model's tests before the view publishes it.
reported as (
    select
        coalesce(catalog.description, '') as description,
        coalesce(catalog.action, '') as action,
        assumeNotNull(coalesce(catalog.extract, counts.extract)) as extract,
        assumeNotNull(coalesce(catalog.defect, counts.defect)) as defect,
        coalesce(catalog.is_export_defect, true) as is_export_defect,
        toUInt64(coalesce(counts.defect_rows, 0)) as "rows"
    from catalog
    full outer join counts on catalog.extract = counts.extract and catalog.defect = counts.defect
),

final as (
    select
        extract,
        defect,
        is_export_defect,
        description,
        "rows",
        action
    from reported
)

select * from final
