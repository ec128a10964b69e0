"""The report as JSON: the model's fields, stable key order; validates against the published
schema `wizard/report/report.schema.json` (generated from the model; a test checks it has not
drifted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wizard.report.model import Report, report_schema

SCHEMA_FILE = Path(__file__).with_name("report.schema.json")


def render_json(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def schema_text() -> str:
    """The schema as checked in (regenerate with `python -m wizard.report.render_json`)."""
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


def published_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


if __name__ == "__main__":  # regenerate the published schema
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
