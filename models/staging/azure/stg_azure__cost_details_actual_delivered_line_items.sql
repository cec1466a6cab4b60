{#- One row per line of every landed Azure **actual** cost details delivery, current or superseded, staged
    like stg_azure__cost_details_actual (the shared body is macro stg_azure_cost_details); read only for
    the restatement log. -#}
{{ stg_azure_cost_details('cost_details_actual_all_deliveries', 'actual') }}
