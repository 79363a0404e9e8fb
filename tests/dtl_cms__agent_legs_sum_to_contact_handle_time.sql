-- A contact's handle time is the sum of its agent connections' (docs/metrics.md, metric_aht_sec): the legs and the
-- contacts agree on every contact. Returns the contacts where they differ. Within a build it checks the
-- contacts that build wrote (macros/build_scope), against all of their legs.
with contacts as (
    select
        node_id,
        profile_id,
        session_id,
        handle_time_sec
    from {{ ref('dtl_cms__contacts') }}
    where {{ written_by_this_build() }}
),

legs as (
    select * from {{ ref('dtl_cms__agent_legs') }}
),

leg_totals as (
    select
        node_id,
        profile_id,
        session_id,
        sum(handle_time_sec) as legs_handle_time_sec
    from legs
    where
        is_inbound_contact
        and (node_id, profile_id, session_id) in (
            select
                c.node_id,
                c.profile_id,
                c.session_id
            from contacts as c
        )
    group by node_id, profile_id, session_id
)

select
    contacts.session_id as session_id,
    contacts.handle_time_sec as handle_time_sec,
    leg_totals.legs_handle_time_sec as legs_handle_time_sec
from contacts
left join leg_totals
    on
        contacts.node_id = leg_totals.node_id
        and contacts.profile_id = leg_totals.profile_id
        and contacts.session_id = leg_totals.session_id
where contacts.handle_time_sec != coalesce(leg_totals.legs_handle_time_sec, 0)
