"""The daily batch (`parebrick daily`): the declared steps run in order under one lock, each recorded in the
`audit` database with its outcome and duration, dbt's run and freshness results stored beside them, and the
on-call mailbox told when a step fails or a source is stale."""
