-- Every component of the scorecard (macros/metrics/scorecard.sql) has exactly one default row
-- (service_code = '*') in dim_scorecard_targets, and the seed names no other component. Returns the
-- components that break it.
{%- set components = scorecard_components() | map(attribute='component') | list %}

with targets as (
    select * from {{ ref('dim_scorecard_targets') }}
),

expected as (
    select arrayJoin(splitByChar(',', '{{ components | join(",") }}')) as component
),

defaults as (
    select
        component,
        countIf(service_code = '*') as default_rows
    from targets
    group by component
)

select
    defaults.default_rows as default_rows,
    coalesce(expected.component, defaults.component) as component
from expected
full outer join defaults on expected.component = defaults.component
where
    expected.component is null
    or defaults.component is null
    or defaults.default_rows != 1
