{% snapshot snp_brm__account_tariffs %}

{#-
    The timestamp strategy needs only the accounts whose latest version may be new to the snapshot: those
    delivered since the newest delivery it has recorded, with `lookback_days` of margin for batches
    committed out of load order. Every other account keeps its current row as it is; reading all of them
    would compare the whole subscriber base every day.
-#}
{%- set snapshot_exists = execute and adapter.get_relation(this.database, this.schema, this.identifier) -%}

with accounts as (
    select * from {{ ref('stg_brm__accounts') }}
)

select * from accounts
{% if snapshot_exists %}
    where
        loaded_at
        >= (select max(recorded.loaded_at) from {{ this }} as recorded) - toIntervalDay({{ var('lookback_days') }})
{% endif %}

{% endsnapshot %}
