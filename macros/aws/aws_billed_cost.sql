{#- What the invoice charges for one CUR line: the unblended cost, or the net unblended cost when the
    period has no separate discount lines and AWS filled the net column (EDP / private pricing). -#}
{% macro aws_billed_cost(relation) -%}
    case
        when {{ relation }}.uses_net_columns
            then coalesce({{ relation }}.net_unblended_cost, {{ relation }}.unblended_cost)
        else {{ relation }}.unblended_cost
    end
{%- endmacro %}
