{% snapshot snp_brm__account_tariffs %}

{#-
    The timestamp strategy needs only the accounts whose latest version may be new to the snapshot: those
    delivered since the newest delivery it has recorded, with `lookback_days` of margin for batches
    committed out of load order, and of those only the ones whose staged version is not already the current
    row (the strategy would find no change in them: a version's dbt_valid_from is its updated_at). Every
    other account keeps its current row as it is; comparing all of them would join the whole subscriber
    base every day. They are found among the deliveries (stg_brm__account_deliveries), then read through
    their keys, so that only their raw rows are deduplicated.
-#}
{#- read only by a later run, where dbt's parse cannot see the ref: -#}
-- depends_on: {{ ref('stg_brm__account_deliveries') }}
{%- set snapshot_exists = execute and adapter.get_relation(this.database, this.schema, this.identifier) -%}

{%- if snapshot_exists %}
    {%- set not_yet_current -%}
        loaded_at >= (select max(recorded.loaded_at) from {{ this }} as recorded) - toIntervalDay({{ var('lookback_days') }})
        and (account_id, updated_at) not in (
            select current.account_id, current.dbt_valid_from from {{ this }} as current
            where current.dbt_valid_to is null
        )
    {%- endset %}
    {{ where_through_keys(
        ref('stg_brm__accounts'), ['account_id'], not_yet_current, through_keys=true,
        deliveries=ref('stg_brm__account_deliveries'),
    ) }}
{%- else %}
    select * from {{ ref('stg_brm__accounts') }}
{%- endif %}

{% endsnapshot %}
