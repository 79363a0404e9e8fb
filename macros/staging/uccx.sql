{#-
    How Cisco UCCX writes its historical-reporting tables, turned into the project's types once, in staging
    (the UCCX staging models of models/staging/cms/ are the only users):
      - a missing number is -1 and a missing text '' (uccx_number, uccx_text): NULL in staging;
      - a yes/no (t/f in an Informix unload, 1/0 from other tools; loaded as Bool) may be missing (uccx_flag):
        a missing flag is false.
-#}
{% macro uccx_number(column) -%}
    nullIf({{ column }}, -1)
{%- endmacro %}

{% macro uccx_text(column) -%}
    nullIf({{ column }}, '')
{%- endmacro %}

{% macro uccx_flag(column) -%}
    ifNull({{ column }}, false)
{%- endmacro %}
