"""Backup and restore of the warehouse on ClickHouse's own `BACKUP` / `RESTORE`, with a record of each backup.

`destinations` says where a target's backups go, `checksums` what a table holds (to compare a restore with),
`records` what was backed up, and `operations` runs create, restore and verify on a client.
"""
