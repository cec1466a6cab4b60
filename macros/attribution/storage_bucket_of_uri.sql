{#- The bucket (S3, GCS) or storage account (Azure) a storage URI points into, lower-cased, or null:
    `s3://bucket/key` and `gs://bucket/key` -> `bucket`; `abfss://container@account.dfs.core.windows.net/p` and
    `https://account.blob.core.windows.net/c/p` -> `account`. This is the name billing rows carry as the
    storage resource (S3 ResourceId, last segment of a GCS or Azure storage ResourceId). -#}
{% macro storage_bucket_of_uri(uri) %}
    {{ return(adapter.dispatch('storage_bucket_of_uri', 'ai_finops')(uri)) }}
{% endmacro %}

{% macro default__storage_bucket_of_uri(uri) %}
    lower(nullif(case
        when regexp_extract({{ uri }}, '^[A-Za-z0-9+]+://(?:[^@/]+@)?([^/]+)', 1) like '%.core.windows.net'
            then split_part(regexp_extract({{ uri }}, '^[A-Za-z0-9+]+://(?:[^@/]+@)?([^/]+)', 1), '.', 1)
        else regexp_extract({{ uri }}, '^[A-Za-z0-9+]+://(?:[^@/]+@)?([^/]+)', 1)
    end, ''))
{% endmacro %}

{% macro bigquery__storage_bucket_of_uri(uri) %}
    lower(nullif(case
        when regexp_extract({{ uri }}, r'^[A-Za-z0-9+]+://(?:[^@/]+@)?([^/]+)') like '%.core.windows.net'
            then split(regexp_extract({{ uri }}, r'^[A-Za-z0-9+]+://(?:[^@/]+@)?([^/]+)'), '.')[safe_offset(0)]
        else regexp_extract({{ uri }}, r'^[A-Za-z0-9+]+://(?:[^@/]+@)?([^/]+)')
    end, ''))
{% endmacro %}
