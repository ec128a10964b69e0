"""The JSON Schema of playbook format v1, generated from the models.

`python -m wizard.engine.schema` writes playbooks/schema.json (editors use it for completion and
validation); a test fails when the checked-in file drifts from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from wizard.engine.models import Playbook

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "playbooks" / "schema.json"


def playbook_schema() -> dict[str, Any]:
    schema = Playbook.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://apigw-wizard/playbook-v1.schema.json"
    return schema


def render() -> str:
    return json.dumps(playbook_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
