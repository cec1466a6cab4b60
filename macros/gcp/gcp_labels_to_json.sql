{#- FOCUS Tags of a GCP billing row: one flat JSON object over project labels, resource-manager tags, system
    labels and resource labels, or null when there are none. Keys are unique: on a clash the later source in
    that order wins (a resource label over the project label it overrides). System-label keys are namespaced
    (`compute.googleapis.com/...`) and user label keys may not hold `/` or `.`, so those never clash. -#}
{% macro gcp_labels_to_json(labels, system_labels, project_labels, tags) %}
    {{ return(adapter.dispatch('gcp_labels_to_json', 'ai_finops')(labels, system_labels, project_labels, tags)) }}
{% endmacro %}

{#- map_concat is slow on DuckDB: when no key repeats (almost always), one map over the four lists in order
    is the same object (map_concat keeps a key where it first appears, with the last value). -#}
{% macro default__gcp_labels_to_json(labels, system_labels, project_labels, tags) %}
    {%- set entries -%}
        list_concat(
            coalesce({{ project_labels }}, []),
            list_transform(coalesce({{ tags }}, []), lambda t: {'key': t.key, 'value': t.value}),
            coalesce({{ system_labels }}, []),
            coalesce({{ labels }}, [])
        )
    {%- endset %}
    case
        when
            len(coalesce({{ labels }}, [])) + len(coalesce({{ system_labels }}, []))
            + len(coalesce({{ project_labels }}, [])) + len(coalesce({{ tags }}, [])) = 0
            then null
        when list_unique(list_transform({{ entries }}, lambda e: e.key)) = len({{ entries }})
            then cast(to_json(map_from_entries({{ entries }})) as {{ dbt.type_string() }})
        else cast(to_json(map_concat(
                map_from_entries(coalesce({{ project_labels }}, [])),
                map_from_entries(list_transform(coalesce({{ tags }}, []), lambda t: {'key': t.key, 'value': t.value})),
                map_from_entries(coalesce({{ system_labels }}, [])),
                map_from_entries(coalesce({{ labels }}, []))
            )) as {{ dbt.type_string() }})
    end
{% endmacro %}

{% macro bigquery__gcp_labels_to_json(labels, system_labels, project_labels, tags) %}
    (
        select
            if(
                count(*) = 0,
                null,
                concat(
                    '{',
                    string_agg(
                        concat(
                            to_json_string(to_json(entry.key)),
                            ':',
                            if(entry.value is null, 'null', to_json_string(to_json(entry.value)))
                        ),
                        ',' order by entry.first_seen
                    ),
                    '}'
                )
            )
        from (
            select
                label.key,
                array_agg(label.value order by label.precedence desc limit 1)[offset(0)] as value,
                min(label.precedence * 100000 + label.position) as first_seen
            from (
                select l.key, l.value, 1 as precedence, p as position
                from unnest({{ project_labels }}) as l with offset as p
                union all
                select t.key, t.value, 2, p from unnest({{ tags }}) as t with offset as p
                union all
                select s.key, s.value, 3, p from unnest({{ system_labels }}) as s with offset as p
                union all
                select r.key, r.value, 4, p from unnest({{ labels }}) as r with offset as p
            ) as label
            group by label.key
        ) as entry
    )
{% endmacro %}
