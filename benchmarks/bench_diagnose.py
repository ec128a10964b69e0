"""How long `diagnose` takes on the seed incident offline: the walk itself, and the whole CLI.

Prints figures, asserts nothing (targets are read by people, not by tests):
- the playbook load + lint, once;
- one offline walk of the seed incident (4 answers, classifier, policy evaluation), median of N;
- `apigw-wizard diagnose --offline --answers ...` end to end in a fresh process, median of 3.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = ROOT / "tests" / "playbooks" / "walks" / "seed-cache-scoped.yaml"
# The CLI child runs with bytecode caches, as an installed wheel has them (PYTHONDONTWRITEBYTECODE,
# set in some shells and CI images, would make it compile the wizard from source every run).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main() -> None:
    import yaml

    from tests.playbooks.walking import main_playbook, registry_for
    from wizard.investigation import ScriptedAnswers, open_investigation

    started = time.perf_counter()
    playbook = main_playbook()
    load_ms = (time.perf_counter() - started) * 1000
    answers = yaml.safe_load(SEED.read_text())["answers"]
    registry = registry_for(None)
    runs = []
    for _ in range(20):
        t0 = time.perf_counter()
        investigation = open_investigation(playbook=playbook, registry=registry)
        investigation.drive(ScriptedAnswers(answers))
        session = investigation.session
        session.ranking()
        runs.append((time.perf_counter() - t0) * 1000)
    assert session.diagnosis() is not None
    cli = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "wizard", "diagnose", "--offline", "--answers", str(SEED)],
            capture_output=True,
            check=False,
            env=CHILD_ENV,
        )
        cli.append(time.perf_counter() - t0)
    from wizard.validated_cache import cache_dir

    kept = cache_dir()
    how = f"validated cache in {kept}" if kept else "validated cache off"
    print(f"playbook load + lint (first, with imports; {how}): {load_ms:.0f} ms")
    print(
        f"seed walk offline ({session.question_count} questions, {len(session.path)} nodes): "
        f"median {statistics.median(runs):.1f} ms, max {max(runs):.1f} ms over {len(runs)} runs"
    )
    print(f"diagnose --offline CLI end to end: median {statistics.median(cli):.2f} s over 3 runs")


if __name__ == "__main__":
    main()
