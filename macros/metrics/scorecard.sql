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
    The levels of the hierarchy, lowest first, as agg_cc__scorecard_monthly builds them: the SQL of a
    level's member and of its parent (the member of the next level up), over the columns of a fact row (an
    operator's month or a queue count), its service, territory and macro-region, the service whose targets
    it is held to ('*': the defaults) and whether it owns queues. An operator or team row carries its team's
    macro-region; a level above it, its territory's in the dictionary.
-#}
{% macro scorecard_levels() -%}
    {%- do return([
    {'level': 'operator', 'member': 'operator_login', 'parent': 'team',
     'service': 'service_code', 'territory': 'territory_code', 'macro_region': 'team_macro_region_code',
     'targets': 'service_code', 'queues': false},
    {'level': 'team', 'member': 'team', 'parent': "concat(service_code, '/', territory_code)",
     'service': 'service_code', 'territory': 'territory_code', 'macro_region': 'team_macro_region_code',
     'targets': 'service_code', 'queues': false},
    {'level': 'service_territory', 'member': "concat(service_code, '/', territory_code)", 'parent': 'territory_code',
     'service': 'service_code', 'territory': 'territory_code', 'macro_region': 'macro_region_code',
     'targets': 'service_code', 'queues': true},
    {'level': 'territory', 'member': 'territory_code', 'parent': 'macro_region_code',
     'service': 'null', 'territory': 'territory_code', 'macro_region': 'macro_region_code',
     'targets': "'*'", 'queues': true},
    {'level': 'macro_region', 'member': 'macro_region_code', 'parent': "'center'",
     'service': 'null', 'territory': 'null', 'macro_region': 'macro_region_code',
     'targets': "'*'", 'queues': true},
    {'level': 'center', 'member': "'center'", 'parent': 'null',
     'service': 'null', 'territory': 'null', 'macro_region': 'null',
     'targets': "'*'", 'queues': true},
    ]) -%}
{%- endmacro %}

{#- The positions (1 = operator) of every level, or of the levels that own queues, as an array literal. -#}
{% macro scorecard_level_orders(queues=false) -%}
    {%- set orders = [] -%}
    {%- for l in scorecard_levels() -%}
        {%- if l.queues or not queues -%}{%- do orders.append(loop.index) -%}{%- endif -%}
    {%- endfor -%}
    [{{ orders | join(', ') }}]
{%- endmacro %}

{#- `field` of the level at `level_order` (scorecard_levels), as one expression over a fact row's columns. -#}
{% macro scorecard_level_value(field) -%}
    {%- set branches = [] -%}
    {%- for l in scorecard_levels() -%}
        {%- set value = "'" ~ l.level ~ "'" if field == 'level' else l[field] -%}
        {%- do branches.append(value if loop.last else 'level_order = ' ~ loop.index ~ ', ' ~ value) -%}
    {%- endfor -%}
    multiIf({{ branches | join(', ') }})
{%- endmacro %}

{#- A fact row's member, parent, place and target key at its `level_order`, as `level_<name>` columns. -#}
{% macro scorecard_level_columns() -%}
    {%- set columns = [] -%}
    {%- for field, name in [('member', 'member'), ('parent', 'parent'), ('service', 'service_code'),
                            ('territory', 'territory_code'), ('macro_region', 'macro_region_code'),
                            ('targets', 'target_service_code')] -%}
        {%- do columns.append(scorecard_level_value(field) ~ ' as level_' ~ name) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#-
    Every level's rows in one pass over `rows` (fact rows, each once per level it counts at, with its
    scorecard_level_columns): member, parent, the target key and the summed parts; a level without queues
    has NULL queue parts.
-#}
{% macro scorecard_level_sums(rows) -%}
    {%- set keys = [
        'member', 'parent', 'service_code', 'territory_code', 'macro_region_code', 'target_service_code',
    ] -%}
    {%- set columns = ['report_month', scorecard_level_value('level') ~ ' as level', 'level_order'] -%}
    {%- for key in keys -%}
        {%- do columns.append('level_' ~ key ~ ' as ' ~ key) -%}
    {%- endfor -%}
    {%- for part in scorecard_parts('operator') -%}
        {%- do columns.append('sum(' ~ part ~ ') as ' ~ part) -%}
    {%- endfor -%}
    {%- for part in scorecard_parts('queue') -%}
        {%- do columns.append(
            'if(level_order in ' ~ scorecard_level_orders(queues=true) | replace('[', '(') | replace(']', ')')
            ~ ', sum(' ~ part ~ '), null) as ' ~ part
        ) -%}
    {%- endfor -%}
    select
        {{ columns | join(',\n        ') }}
    from {{ rows }}
    group by report_month, level_order, level_{{ keys | join(', level_') }}
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
