"""AI FinOps: cloud billing normalised to FOCUS."""

__version__ = "0.1.0"
