"""Deterministic demo billing data generators."""

from ai_finops.generate.aws_cur2 import CUR2_COLUMNS, EXPORT_NAME, PAYER_ACCOUNT_ID, generate_aws_cur2

__all__ = ["CUR2_COLUMNS", "EXPORT_NAME", "PAYER_ACCOUNT_ID", "generate_aws_cur2"]
