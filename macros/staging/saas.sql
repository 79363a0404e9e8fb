{#-
    How the cloud service's product database (source group saas, seed 004) writes what staging turns into
    the project's forms, once (the saas staging models of models/staging/saas/ are the only users):
      - an industry typed by sales is looked up in dim_saas_industries by its normalised spelling: lower
        case, runs of spaces as one, no outer spaces (saas_spelling; the generator's truth applies the same);
      - an activity count below zero is a defect of the export: NULL (saas_count), counted per row
        (saas_negative_counts) for the data-quality report.
-#}
{% macro saas_spelling(column) -%}
    trimBoth(replaceRegexpAll(lowerUTF8({{ column }}), '[[:space:]]+', ' '))
{%- endmacro %}

{% macro saas_count(column) -%}
    if({{ column }} < 0, null, {{ column }})
{%- endmacro %}

{% macro saas_negative_counts(columns) -%}
    {%- for column in columns %}toUInt8(ifNull({{ column }} < 0, false)){% if not loop.last %} + {% endif %}{% endfor -%}
{%- endmacro %}
