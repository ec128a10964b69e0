"""The engine's own costs on the main playbook: load + schema validation, the graph lint, and a
full offline walk of the seed incident with the real offline probes (no network).

Aims: load + lint under 0.5 s (it runs at every start); a walk step (answer or probe node, with
the decisions after it) well under 50 ms so the UI never waits on the engine itself. Prints
figures; asserts nothing.

    .venv/bin/python benchmarks/bench_engine.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED_ANSWERS = [
    'HTTP/1.1 403 Forbidden\n{"message":"User is not authorized to access this resource"}\n'
    "The first profile update works, later ones get 403. The authorizer never logs the failing "
    "calls. TTL 300",
    "PUT https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/profile",
    '{"principalId":"u1","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Action":"execute-api:Invoke","Resource":'
    '"arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/GET/profile"}]}}',
]


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import wizard.aws.probes
    import wizard.engine.offline_probes

    wizard.aws.probes.register_all()  # live probes are skipped offline, as in a real walk
    from wizard.engine.lint import lint, shipped_catalogue
    from wizard.engine.loader import parse_playbook
    from wizard.engine.probes import REGISTRY
    from wizard.engine.session import Session
    from wizard.paths import main_playbook

    path = main_playbook()
    text = path.read_text()
    catalogue = shipped_catalogue()
    playbook, lines = parse_playbook(text, str(path))
    parse = _median(lambda: parse_playbook(text, str(path)), args.runs)
    check = _median(
        lambda: lint(playbook, lines, str(path), registry=REGISTRY, catalogue=catalogue), args.runs
    )

    steps: list[float] = []

    def walk() -> Session:
        session = Session(playbook, catalogue=catalogue)
        answers = iter(SEED_ANSWERS)
        while not session.ended:
            current = session.current()
            assert current is not None
            start = time.perf_counter()
            if current.kind == "probe":
                session.run_probes()
            else:
                session.answer(next(answers))
            steps.append(time.perf_counter() - start)
        return session

    tracemalloc.start()
    session = walk()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cold = max(steps)  # the first walk imports the analyzers lazily
    steps.clear()
    total = _median(walk, max(3, args.runs // 4))

    print(f"playbook: {path.name}, {len(playbook.nodes)} nodes")
    print(f"parse + schema validation: {parse * 1000:.1f} ms (median of {args.runs})")
    print(f"graph lint (with probe and catalogue names): {check * 1000:.1f} ms")
    diagnosis = session.diagnosis()
    print(
        f"seed walk: {session.question_count} questions, {len(session.path)} nodes, "
        f"diagnosis {diagnosis.cause if diagnosis else None}"
    )
    print(
        f"seed walk total (warm): {total * 1000:.1f} ms; slowest step {max(steps) * 1000:.1f} ms, "
        f"median step {statistics.median(steps) * 1000:.2f} ms; first step cold {cold * 1000:.0f} ms"
    )
    print(f"peak traced memory during one walk: {peak / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
