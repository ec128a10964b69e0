"""playbooks/schema.json is generated from the models; it must not drift."""

from __future__ import annotations

import json
from pathlib import Path

from wizard.engine.schema import SCHEMA_FILE, main, render


def test_checked_in_schema_matches_the_models() -> None:
    assert SCHEMA_FILE.exists(), "run: python -m wizard.engine.schema"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), (
        "playbooks/schema.json is stale: run `python -m wizard.engine.schema`"
    )


def test_schema_describes_format_v1(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    assert main([str(target)]) == 0
    schema = json.loads(target.read_text())
    assert schema["properties"]["schema_version"]["const"] == 1
    assert schema["additionalProperties"] is False
    kinds = {
        d["properties"]["kind"]["const"] for n, d in schema["$defs"].items() if n.endswith("Node")
    }
    assert kinds == {"question", "probe", "decision", "fix", "end"}
    assert "with" in schema["$defs"]["ProbeCall"]["properties"]
    assert "not" in schema["$defs"]["NotCondition"]["properties"]
