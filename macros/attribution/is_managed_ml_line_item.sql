{#- True for a FOCUS row that int_managed_ml_costs_allocated_to_workloads owns: a row that names a resource and is
    SageMaker, Vertex AI (a Vertex resource, the Vertex AI service, or a resource a Vertex pipeline / job created,
    which carries the `vertex-ai-pipelines-run-billing-id` label: the Compute Engine and management-fee rows of
    DWS and Spot jobs) or Azure ML (a resource under an Azure ML workspace). Rows of those services without a
    resource (tax, account-level credits) are left to the union as not resource attributable. The conservation
    test selects with the same macro; other producers exclude these rows with it. Arguments are SQL expressions. -#}
{% macro is_managed_ml_line_item(provider, service_name, resource_id, tags) %}
    (
        {{ resource_id }} is not null
        and (
            ({{ provider }} = 'aws' and {{ service_name }} = 'Amazon SageMaker')
            or (
                {{ provider }} = 'gcp'
                and (
                    {{ resource_id }} like '//aiplatform.googleapis.com/%'
                    or {{ service_name }} = 'Vertex AI'
                    or coalesce({{ tags }}, '') like '%"vertex-ai-pipelines-run-billing-id"%'
                )
            )
            or (
                {{ provider }} = 'azure'
                and lower({{ resource_id }}) like '%/providers/microsoft.machinelearningservices/workspaces/%'
            )
        )
    )
{% endmacro %}
