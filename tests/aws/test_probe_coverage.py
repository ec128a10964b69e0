"""Every registered live probe is exercised by at least one test in tests/aws (a new probe
without a test fails here, naming it)."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.aws.probes import register_all

HERE = Path(__file__).parent


def test_every_live_probe_has_a_test():
    names = register_all()
    assert len(names) >= 20
    sources = "\n".join(
        p.read_text() for p in HERE.glob("test_*.py") if p.name != Path(__file__).name
    )
    called = set(re.findall(r"""(?:run_probe\(|\(\s*)["']([a-z_0-9]+)["']""", sources))
    missing = sorted(set(names) - called)
    assert not missing, f"live probes without a test: {missing}"
