{#-
    Seed 002: the same manager e-mail must never be in the lists of two branch cabinets of one distributor
    (branches must not see each other's people). One row per distributor and e-mail that two or more branch
    cabinets list in versions in force at the same time, with how many cabinets and which: a warning for the
    distributor to correct its lists (the alerts of those installations already go to the branch's mailbox
    only, dtl_smart__alerts.is_manager_withheld).
-#}
{{ config(severity='warn') }}

with installations as (
    select * from {{ ref('dtl_smart__installations') }}
),

cabinets as (
    select * from {{ ref('dim_smart_cabinets') }}
),

branch_versions as (
    select
        installations.cabinet as cabinet,
        cabinets.distributor as distributor,
        installations.manager_email as manager_email,
        installations.valid_from as valid_from,
        installations.valid_to as valid_to
    from installations
    inner join cabinets on installations.cabinet = cabinets.cabinet
    where cabinets.is_branch
),

overlapping as (
    select
        one.distributor as distributor,
        one.manager_email as manager_email,
        one.cabinet as cabinet,
        other.cabinet as other_cabinet
    from branch_versions as one
    inner join branch_versions as other
        on one.distributor = other.distributor and one.manager_email = other.manager_email
    where
        one.cabinet != other.cabinet
        and one.valid_from < ifNull(other.valid_to, toDateTime64('2262-01-01 00:00:00', 3, 'UTC'))
        and other.valid_from < ifNull(one.valid_to, toDateTime64('2262-01-01 00:00:00', 3, 'UTC'))
),

final as (
    select
        distributor,
        manager_email,
        uniqExact(cabinet) as cabinets,
        arraySort(groupUniqArray(cabinet)) as cabinet_names
    from overlapping
    group by distributor, manager_email
)

select * from final
