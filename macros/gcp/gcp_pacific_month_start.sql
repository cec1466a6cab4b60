{#- Midnight US Pacific (America/Los_Angeles) on the first day of a month, as a UTC timestamp, from a
    timestamp at midnight on the first of that month. Cross-database arithmetic instead of time-zone
    functions: under the US DST rules in force since 2007 (second Sunday of March to first Sunday of
    November), the first of April to November is PDT (UTC-7) and the first of December to March is PST
    (UTC-8). Google's invoice months are Pacific-time months (provider_exports.md §3.3). Wrong by one hour for
    months before 2007, which no billing export holds. -#}
{% macro gcp_pacific_month_start(first_of_month) %}
    {{ dbt.dateadd(
        'hour',
        'case when ' ~ month_number(first_of_month) ~ ' between 4 and 11 then 7 else 8 end',
        first_of_month
    ) }}
{% endmacro %}
