-- The same with two faults: team t2's handled is not its operators' sum, and o4's team t9 does not exist.
select toDate('2025-03-01') as report_month, 'operator' as level, 'o1' as member, CAST('t1', 'Nullable(String)') as parent, toUInt64(3) as handled, CAST(NULL, 'Nullable(UInt64)') as offered
union all
select toDate('2025-03-01') as report_month, 'operator' as level, 'o2' as member, CAST('t1', 'Nullable(String)') as parent, toUInt64(4) as handled, CAST(NULL, 'Nullable(UInt64)') as offered
union all
select toDate('2025-03-01') as report_month, 'operator' as level, 'o3' as member, CAST('t2', 'Nullable(String)') as parent, toUInt64(5) as handled, CAST(NULL, 'Nullable(UInt64)') as offered
union all
select toDate('2025-03-01') as report_month, 'operator' as level, 'o4' as member, CAST('t9', 'Nullable(String)') as parent, toUInt64(1) as handled, CAST(NULL, 'Nullable(UInt64)') as offered
union all
select toDate('2025-03-01') as report_month, 'team' as level, 't1' as member, CAST('c', 'Nullable(String)') as parent, toUInt64(7) as handled, CAST(10, 'Nullable(UInt64)') as offered
union all
select toDate('2025-03-01') as report_month, 'team' as level, 't2' as member, CAST('c', 'Nullable(String)') as parent, toUInt64(6) as handled, CAST(10, 'Nullable(UInt64)') as offered
union all
select toDate('2025-03-01') as report_month, 'center' as level, 'c' as member, CAST(NULL, 'Nullable(String)') as parent, toUInt64(13) as handled, CAST(20, 'Nullable(UInt64)') as offered
