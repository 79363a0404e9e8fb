{#-
    The scorecard (docs/metrics.md, metric_scorecard_score): its components, declared once, in the order
    the cards show them. `component` is the name in dim_scorecard_targets, `value` the column scored,
    `score` the score column. `handled` is scored per scheduled hour (metric_handled_per_hour).
-#}
{% macro scorecard_components() -%}
    {%- do return([
        {'component': 'handled', 'value': 'handled_per_hour', 'score': 'handled_score'},
        {'component': 'aht_sec', 'value': 'aht_sec', 'score': 'aht_score'},
        {'component': 'fcr_pct', 'value': 'fcr_pct', 'score': 'fcr_score'},
        {'component': 'occupancy_pct', 'value': 'occupancy_pct', 'score': 'occupancy_score'},
        {'component': 'service_level_pct', 'value': 'service_level_pct', 'score': 'service_level_score'},
        {'component': 'csat_avg', 'value': 'csat_avg', 'score': 'csat_score'},
    ]) -%}
{%- endmacro %}

{#-
    The additive parts of a card, the sums every component is computed from (so a level's parts are the sums
    of its children's, the identity `sums_over_children` tests): the operator side, summed up from each
    operator's days, and the queue side, which starts at service × territory, the lowest level owning queues.
    Each part has one type (scorecard_part_types), so the branches of a union agree on it.
-#}
{% macro scorecard_part_types() -%}
    {%- do return({
        'operator': {'handled': 'UInt64', 'handle_time_sec': 'Int64', 'busy_sec': 'Int64', 'scheduled_sec': 'Int64',
                     'resolved': 'UInt64', 'resolved_first_contact': 'UInt64', 'csat_sum': 'UInt64',
                     'csat_count': 'UInt64'},
        'queue': {'offered': 'UInt64', 'short_abandoned': 'UInt64', 'handled_within_sl': 'UInt64'},
    }) -%}
{%- endmacro %}

{% macro scorecard_parts(side) -%}
    {%- set types = scorecard_part_types() -%}
    {%- set every = types['operator'].keys() | list + types['queue'].keys() | list -%}
    {%- do return(types[side].keys() | list if side else every) -%}
{%- endmacro %}

{#-
    The parts of `side` (none: both) as one branch of a union of facts: the parts a branch carries (`present`)
    in their type, every other part a zero of its type.
-#}
{% macro scorecard_parts_or_zero(present, side=none) -%}
    {%- set types = scorecard_part_types() -%}
    {%- set columns = [] -%}
    {%- for part in scorecard_parts(side) -%}
        {%- set type = types['operator'][part] if part in types['operator'] else types['queue'][part] -%}
        {%- do columns.append('to' ~ type ~ '(' ~ (part if part in present else '0') ~ ') as ' ~ part) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#-
    The levels of the hierarchy, lowest first, as agg_cc__scorecard_monthly builds them: the roll-up CTE each
    is read from, the SQL of its member and of its parent (the member of the next level up), its place in
    the hierarchy, the service whose targets it is held to ('*': the defaults) and whether it owns queues.
-#}
{% macro scorecard_levels() -%}
    {%- do return([
    {'level': 'operator', 'rows': 'operator_rows', 'member': 'operator_login', 'parent': 'team',
     'service': 'service_code', 'territory': 'territory_code', 'macro_region': 'macro_region_code',
     'targets': 'service_code', 'queues': false},
    {'level': 'team', 'rows': 'team_rows', 'member': 'team', 'parent': "concat(service_code, '/', territory_code)",
     'service': 'service_code', 'territory': 'territory_code', 'macro_region': 'macro_region_code',
     'targets': 'service_code', 'queues': false},
    {'level': 'service_territory', 'rows': 'service_territory_rows',
     'member': "concat(service_code, '/', territory_code)", 'parent': 'territory_code',
     'service': 'service_code', 'territory': 'territory_code', 'macro_region': 'macro_region_code',
     'targets': 'service_code', 'queues': true},
    {'level': 'territory', 'rows': 'territory_rows', 'member': 'territory_code', 'parent': 'macro_region_code',
     'service': 'null', 'territory': 'territory_code', 'macro_region': 'macro_region_code',
     'targets': "'*'", 'queues': true},
    {'level': 'macro_region', 'rows': 'macro_region_rows', 'member': 'macro_region_code', 'parent': "'center'",
     'service': 'null', 'territory': 'null', 'macro_region': 'macro_region_code',
     'targets': "'*'", 'queues': true},
    {'level': 'center', 'rows': 'center_rows', 'member': "'center'", 'parent': 'null',
     'service': 'null', 'territory': 'null', 'macro_region': 'null',
     'targets': "'*'", 'queues': true},
    ]) -%}
{%- endmacro %}

{#-
    The select of every level, one `union all` branch each (scorecard_levels): member, parent, the target
    key and the parts; a level without queues has NULL queue parts.
-#}
{% macro scorecard_level_selects() -%}
    {%- set branches = [] -%}
    {%- for l in scorecard_levels() -%}
        {%- set columns = [
            'report_month', "'" ~ l.level ~ "' as level", loop.index ~ ' as level_order',
            l.member ~ ' as member', l.parent ~ ' as parent', l.service ~ ' as service_code',
            l.territory ~ ' as territory_code', l.macro_region ~ ' as macro_region_code',
            l.targets ~ ' as target_service_code',
        ] + scorecard_parts('operator') -%}
        {%- for part in scorecard_parts('queue') -%}
            {%- do columns.append((part if l.queues else 'cast(null as Nullable(UInt64))') ~ ' as ' ~ part) -%}
        {%- endfor -%}
        {%- do branches.append('select\n        ' ~ columns | join(',\n        ') ~ '\n    from ' ~ l.rows) -%}
    {%- endfor -%}
    {{ branches | join('\n    union all\n    ') }}
{%- endmacro %}

{#-
    The floor, target and weight of every component as columns `<component>_floor` …: from the long seed
    (`pivot`, over dim_scorecard_targets rows), or the level's own service row with the default row as
    fallback (`own` and `fallback` are two such pivoted rows).
-#}
{% macro scorecard_target_columns(own=none, fallback=none) -%}
    {%- set columns = [] -%}
    {%- for c in scorecard_components() -%}
        {%- for field in ['floor', 'target', 'weight'] -%}
            {%- set column = c.component ~ '_' ~ field -%}
            {%- if own is none -%}
                {%- set pick = "anyIf(toNullable(" ~ field ~ "), component = '" ~ c.component ~ "')" -%}
                {%- do columns.append(pick ~ ' as ' ~ column) -%}
            {%- else -%}
                {%- set pick = 'coalesce(' ~ own ~ '.' ~ column ~ ', ' ~ fallback ~ '.' ~ column ~ ')' -%}
                {%- do columns.append(pick ~ ' as ' ~ column) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- Each component's score column (scorecard_score of its value against its floor and target). -#}
{% macro scorecard_score_columns() -%}
    {%- set columns = [] -%}
    {%- for c in scorecard_components() -%}
        {%- set score = scorecard_score(c.value, c.component ~ '_floor', c.component ~ '_target') -%}
        {%- do columns.append(score ~ ' as ' ~ c.score) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- `sum(<prefix><part>) as <part>` for each part, as the select list of a roll-up. -#}
{% macro scorecard_part_sums(parts, prefix='') -%}
    {%- for part in parts -%}
        sum({{ prefix }}{{ part }}) as {{ part }}{{ ",\n        " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#-
    A component's score: 0 at `floor`, 100 at `target`, linear between and clamped to [0, 100]. The
    direction follows from the order: floor > target means lower is better (AHT). NULL when the value is
    NULL (an empty denominator) or there is no target; never 0 for a missing value (greatest and least
    skip NULLs, so the guard comes first).
-#}
{% macro scorecard_score(value, floor, target) -%}
    if(
        isNull({{ value }}) or isNull({{ floor }}) or isNull({{ target }}) or ({{ floor }}) = ({{ target }}),
        NULL,
        least(100, greatest(0, 100 * (({{ value }}) - ({{ floor }})) / (({{ target }}) - ({{ floor }}))))
    )
{%- endmacro %}

{#-
    The integral score: the weight-averaged score over the components whose score is not NULL; NULL when
    none is. `components` is scorecard_components(); each component's weight is the column
    `<component><weight_suffix>` of the row (its row of dim_scorecard_targets).
-#}
{% macro scorecard_integral_score(components, weight_suffix='_weight') -%}
    {%- set weighted = [] -%}
    {%- set weights = [] -%}
    {%- for c in components -%}
        {%- set weight = c.component ~ weight_suffix -%}
        {%- do weighted.append('if(isNull(' ~ c.score ~ '), 0, ' ~ c.score ~ ' * ' ~ weight ~ ')') -%}
        {%- do weights.append('if(isNull(' ~ c.score ~ '), 0, ' ~ weight ~ ')') -%}
    {%- endfor -%}
    if(
        ({{ weights | join(' + ') }}) = 0,
        NULL,
        ({{ weighted | join(' + ') }}) / ({{ weights | join(' + ') }})
    )
{%- endmacro %}

{#- Handled contacts per scheduled hour (metric_handled_per_hour): NULL when nothing was scheduled. -#}
{% macro handled_per_hour(handled='handled', scheduled_sec='scheduled_sec') -%}
    {{ safe_mean('3600 * (' ~ handled ~ ')', scheduled_sec) }}
{%- endmacro %}
