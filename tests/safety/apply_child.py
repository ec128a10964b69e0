"""Run a catalogue fix (by default the seed's TTL-0 fix, three calls) through the fix driver, as
a front end does, in a process of its own, so a test can SIGKILL it between calls.

    python apply_child.py ENDPOINT_URL FACTS_JSON [CAUSE FIX]
"""

from __future__ import annotations

import json
import sys

from wizard.aws.fixes.driver import run_fix, terminal_confirm
from wizard.aws.fixes.plan import build_plan
from wizard.aws.fixes.render import CliTarget
from wizard.aws.session import sandbox_session
from wizard.catalogue.model import load_catalogue


def main() -> int:
    endpoint, facts = sys.argv[1], json.loads(sys.argv[2])
    cause, fix_id = (
        sys.argv[3:5] if len(sys.argv) > 4 else ("authz-cache-scoped-policy", "fix-cache-ttl-zero")
    )
    fix = next(f for f in load_catalogue().get(cause).fixes if f.id == fix_id)
    plan = build_plan(fix, facts, CliTarget(region="us-east-1", endpoint_url=endpoint))
    aws = sandbox_session(endpoint)
    run = run_fix(
        plan,
        aws.client,
        terminal_confirm(yes=True),
        announce=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(run.status, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
