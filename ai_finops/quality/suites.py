"""The registry of expectation suites: one named suite per raw format and check stage.

A suite is declared with `@register(name, description)` on a function that receives the lazily imported
GX API (`ai_finops.quality.gx.gx_api()`) and returns the suite's expectations in the order their findings
should be reported. Each expectation carries in its `meta`:

- `problem`: the message for a failing fact row, a `str.format` template over the row's fields (plus
  `unexpected_count` and `observed_value`);
- `column_field`: the fact field that holds the delivered column name, or `column`: the canonical column
  the problem is about (translated to its delivered name when the file spells it differently);
- `max_findings` (optional): how many failing fact rows become findings (default 5; the rest are counted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SuiteDefinition:
    name: str
    description: str
    build: Callable[[Any], list[Any]]


SUITES: dict[str, SuiteDefinition] = {}


def register(name: str, description: str) -> Callable[[Callable[[Any], list[Any]]], Callable]:
    def decorator(build: Callable[[Any], list[Any]]) -> Callable[[Any], list[Any]]:
        if name in SUITES:
            raise ValueError(f"expectation suite {name!r} is registered twice")
        SUITES[name] = SuiteDefinition(name, description, build)
        return build

    return decorator


def problem(
    template: str,
    *,
    column_field: str | None = None,
    column: str | None = None,
    max_findings: int | None = None,
) -> dict:
    """The `meta` of an expectation: how a failing fact row becomes a message (and, where one fact row per
    rule is checked, how many failing rows to report rather than count)."""
    meta: dict[str, str | int] = {"problem": template}
    if max_findings:
        meta["max_findings"] = max_findings
    if column_field:
        meta["column_field"] = column_field
    if column:
        meta["column"] = column
    return meta
