"""Data quality at the ingest boundary: Great Expectations suites over facts computed in DuckDB.

How a delivered file is checked (`ai-finops ingest`, before anything lands):

1. DuckDB computes **facts** about the whole file in one pass each: which columns are there and with which
   types (`schema`), how many values fail to parse and how many required values are empty, with the first
   offending data row (`values`), and per delivery one row per slice of billing account x period x
   currency x line item type x bill type with counts, minima and maxima (`slices`). A 10M-row file is never
   loaded into pandas: only these small fact tables and a bounded random sample (`rows_sample`, at most
   10,000 rows, for row-level expectations) are.
2. A **Great Expectations suite** per raw format and stage (`aws_cur2.schema`, `aws_cur_legacy.values`,
   `aws_cur.slices`, ...) validates each fact table. The suites are the only place the rules live.
3. A failing critical expectation refuses the file: its message, built from the failing fact row, names the
   file, the column and the problem (and the first offending data row where there is one). The runner
   quarantines the delivery; nothing landed changes. Warning-level findings land with the delivery and are
   listed in `_delivery.json`.
4. Validation results go to GX **Data Docs** (`target/gx_docs/index.html` by default, `AI_FINOPS_GX_DOCS`).

A new raw format adds a module that registers its suites (`ai_finops.quality.suites.register`) and
computes its facts; `ai_finops.quality.aws_cur` is the first; `azure_cost`, `gcp_billing` and `focus_native` follow it.
"""
