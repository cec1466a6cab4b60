{#- The failing rows of a reconciliation test: full outer joins two CTEs that already hold one row per unit
    (`keys`) with summed `measures`, and returns the units whose sums differ.

    - `left`, `right`: CTE names; each has the `keys` columns and one column per measure (bare measure name).
    - `left_label`, `right_label`: prefixes of the measure columns in the output (default: the CTE names).
    - A row is returned when a unit is on one side only (its first measure is null on either side) or when
      any measure differs by more than var('reconciliation_tolerance') (default $0.01).
    - Output columns: the keys (coalesced, left first), then per measure `<left_label>_<measure>`,
      `<right_label>_<measure>`.
    Used by the money-conservation singular tests (tests/dbt/attribution/, tests/dbt/billing/). -#}
{% macro sums_mismatch(left, right, keys, measures, left_label=none, right_label=none) %}
    {%- set left_label = left_label or left -%}
    {%- set right_label = right_label or right -%}
    {%- set tolerance = var('reconciliation_tolerance', 0.01) -%}
    select
        {%- for key in keys %}
        coalesce({{ left }}.{{ key }}, {{ right }}.{{ key }}) as {{ key }},
        {%- endfor %}
        {%- for measure in measures %}
        {{ left }}.{{ measure }} as {{ left_label }}_{{ measure }},
        {{ right }}.{{ measure }} as {{ right_label }}_{{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ left }}
    full outer join {{ right }}
        on
            {%- for key in keys %}
            {{ "and " if not loop.first }}{{ left }}.{{ key }} = {{ right }}.{{ key }}
            {%- endfor %}
    where
        {{ left }}.{{ measures[0] }} is null
        or {{ right }}.{{ measures[0] }} is null
        {%- for measure in measures %}
        or abs({{ left }}.{{ measure }} - {{ right }}.{{ measure }}) > {{ tolerance }}
        {%- endfor %}
{% endmacro %}
