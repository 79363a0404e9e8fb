"""Alert notifications of installation monitoring (seed 002): `parebrick alerts send`.

The sender reads one published view and its own ledger, and writes nothing but the ledger.

Contract of `views.v_smart_alerts` (one row per alert; the models must publish exactly this):

- `alert_id` String: the alert's stable id (the same alert keeps it across builds)
- `cabinet` String, `client` String: the installation
- `rule` String: `installation_down`, `report_missing`, `update_broken`, `empty_searches`, `activity_drop`
- `priority` LowCardinality(String): `high` (the first three rules) or `usage` (the last two)
- `opened_at` DateTime64(3, 'UTC'): when the alert opened
- `resolved_at` Nullable(DateTime64(3, 'UTC')): when it resolved; NULL while open
- `recipients` Array(String): the cabinet's mailbox for the priority and the installation's manager
- `is_inhibited` Bool: a usage alert while its installation has an open high-priority alert, and a resolved
  usage alert whose whole open time lay inside such alerts: kept, never sent in any state

How each alert is told to each recipient (METRICS.md, "Routing"), as of the run's clock `now`:
`new` once when it is open (opened at or before `now`, not resolved by then) and not inhibited; `repeat`
(numbered 1, 2, …) while still open, `smart_repeat_hours` after it was last told; `resolved` once when it
resolved at or before `now` (also to a recipient never told it open: an outage between two runs is news).
The modules: `due` (what is due), `compose` (the messages), `transport` (SMTP from the environment),
`ledger` (what was planned and sent, in the warehouse), `run` (the order that makes reruns safe).
"""
