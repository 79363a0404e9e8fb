"""Loaders: extracts (CSV files, the Omnichat API) into the `raw` database, exactly once.

Data flows one way: each source group's declaration (its sources YAML, read by `declarations` into the
types of `schema`; `registry` indexes them) says what a table is; `inspect` decides whether a file can be read at
all; `csvload` lets ClickHouse parse and type the rows, routing bad ones to quarantine; `batches` makes a
batch visible only when it commits. `runner` ties them together for an inbox, `pull` for the API.
"""
