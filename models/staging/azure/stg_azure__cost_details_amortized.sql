{#- One row per landed line of the Azure **amortized** cost details dataset (raw_azure.cost_details_amortized), EA and
    MCA alike: the shared body is macro stg_azure_cost_details; columns are documented in _azure__models.yml. -#}
{{ stg_azure_cost_details('cost_details_amortized', 'amortized') }}
