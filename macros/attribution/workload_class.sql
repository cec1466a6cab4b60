{#- The workload class of an allocation row, from the evidence the union gathers per workload, first match wins:
    1. an endpoint (SageMaker / Vertex / Azure ML endpoint key, or a `serving` / `inference` tag) -> inference;
    2. a notebook (SageMaker `Notebk:` usage, a `notebook` / `jupyter` / `dev` workload tag) -> notebook;
    3. a nested run (MLflow `mlflow.parentRunId`: sweep and HPO children) or an `experiment` / `hpo` / `sweep` tag
       -> experimentation;
    4. a job or run (SageMaker training, Vertex or Azure ML job, MLflow run, a `training` / `fine-tuning` tag, or
       the producer's own class `training`) -> training, unless it ran under `short_run_hours`
       (var `experimentation_max_hours`, default 1) -> experimentation;
    5. the class the producer declared (e.g. from a Kubernetes owner kind), else `unclassified`.
    Rows without a workload (idle, unallocated, unattributed, not resource-attributable) get null. -#}
{% macro workload_class(workload_key, declared_class, workload_tag, parent_run_id, active_hours) %}
    case
        when {{ workload_key }} is null then null
        when
            {{ workload_key }} like 'sagemaker-endpoint:%'
            or {{ workload_key }} like 'vertex-endpoint:%'
            or {{ workload_key }} like 'azureml-endpoint:%'
            or {{ workload_tag }} in ('inference', 'serving', 'batch-inference', 'online-inference')
            then 'inference'
        when
            {{ workload_key }} like 'sagemaker-notebook:%'
            or {{ workload_tag }} in ('notebook', 'jupyter', 'dev', 'workstation')
            or {{ declared_class }} = 'notebook'
            then 'notebook'
        when
            {{ parent_run_id }} is not null
            or {{ workload_tag }} in ('experiment', 'experiments', 'experimentation', 'hpo', 'sweep')
            or {{ declared_class }} = 'experimentation'
            then 'experimentation'
        when
            {{ workload_key }} like 'sagemaker-training:%'
            or {{ workload_key }} like 'vertex-job:%'
            or {{ workload_key }} like 'azureml-job:%'
            or {{ workload_key }} like 'mlflow-run:%'
            or {{ workload_tag }} in ('training', 'fine-tuning', 'finetuning', 'pretraining')
            or {{ declared_class }} = 'training'
            then case
                when {{ active_hours }} < {{ var('experimentation_max_hours', 1) }} then 'experimentation'
                else 'training'
            end
        when {{ declared_class }} = 'inference' then 'inference'
        else 'unclassified'
    end
{% endmacro %}
