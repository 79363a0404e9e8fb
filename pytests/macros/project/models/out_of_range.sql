select toFloat64(120) as pct_value
union all
select toFloat64(nan)
union all
select CAST(NULL, 'Nullable(Float64)')
