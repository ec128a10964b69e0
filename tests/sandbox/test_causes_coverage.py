"""docs/causes-coverage.md is generated from the scenarios and not_reproducible.yaml: every cause
has a scenario or a reason, never both, and the committed page is what the data renders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from wizard.catalogue import load_catalogue
from wizard.sandbox.coverage import (
    DOC_PAGE,
    README,
    README_END,
    README_START,
    coverage,
    not_reproducible,
    readme_with_block,
    render_markdown,
    render_readme_block,
)
from wizard.sandbox.scenario import Scenario, list_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_every_cause_has_a_scenario_or_a_reason_never_both() -> None:
    ids = set(load_catalogue().ids())
    gaps = not_reproducible()
    assert set(gaps) <= ids, f"not a catalogue cause: {sorted(set(gaps) - ids)}"
    for row in coverage():
        if row.reproduced:
            assert row.cause not in gaps, f"{row.cause} has a scenario: drop its reason"
        else:
            gap = gaps.get(row.cause)
            assert gap, f"{row.cause}: no scenario and no reason in not_reproducible.yaml"
            assert gap["kind"] in ("aws-only", "emulator", "scenario") and gap["reason"].strip()


def test_each_named_fix_is_a_fix_of_the_scenarios_cause() -> None:
    catalogue = load_catalogue()
    for scenario in list_scenarios():
        if scenario.fix is not None:
            fixes = [f.id for f in catalogue.get(scenario.cause).fixes]
            assert scenario.fix in fixes, (scenario.name, scenario.fix, fixes)
            fix = next(f for f in catalogue.get(scenario.cause).fixes if f.id == scenario.fix)
            assert fix.operations, f"{scenario.name}: {fix.id} has no operation to apply"


def test_the_committed_page_is_what_the_data_renders() -> None:
    page = ROOT / DOC_PAGE
    assert page.read_text(encoding="utf-8") == render_markdown(), (
        "docs/causes-coverage.md drifted: python -m wizard.sandbox.coverage --write"
    )


def test_the_readme_carries_the_same_table() -> None:
    readme = (ROOT / README).read_text(encoding="utf-8")
    block = render_readme_block()
    assert block in readme, (
        "README.md's causes table drifted: python -m wizard.sandbox.coverage --write"
    )
    rows = [line for line in render_markdown().splitlines() if line.startswith("| `")]
    assert len(rows) == 39 and all(line in block for line in rows)


def test_the_readme_block_is_replaced_between_its_markers_only() -> None:
    readme = f"# title\n\n{README_START}\nold table\n{README_END}\n\n## after\n"
    assert readme_with_block(readme, "NEW") == "# title\n\nNEW\n\n## after\n"
    with pytest.raises(ValueError, match="missing"):
        readme_with_block("# no markers\n", "NEW")


def test_the_counts_the_page_states_match_the_rows() -> None:
    rows = coverage()
    text = render_markdown(rows)
    reproduced = sum(r.reproduced for r in rows)
    looped = sum(r.loop for r in rows)
    assert f"{reproduced} are reproduced" in text and f"{looped} complete the whole loop" in text
    assert len(rows) == 39


def test_a_reproduced_cause_without_an_api_fix_says_why() -> None:
    # gateway-response-override (loops5): no gateway-response change makes the request succeed.
    row = next(r for r in coverage() if r.cause == "gateway-response-override")
    assert row.reproduced and not row.loop and row.client_side
    line = next(x for x in render_markdown().splitlines() if x.startswith("| `gateway-response-"))
    assert "client-side: A gateway response only shapes the answer" in line


def test_client_side_and_fix_exclude_each_other() -> None:
    data = load_scenario("integration-unmapped-header").model_dump()
    data["client_side"] = "no API fix"
    with pytest.raises(ValueError, match="not with `fix`"):
        Scenario.model_validate(data)


def test_each_named_client_fix_corrects_the_request_and_applies_nothing() -> None:
    # "client fix verified" rests on test_client_fix.py sending the corrected request: only a
    # catalogue fix that corrects the request (and has nothing to apply) can be named for it.
    catalogue = load_catalogue()
    named = [s for s in list_scenarios() if s.client_fix is not None]
    assert len(named) >= 7
    for scenario in named:
        fix = next(
            (f for f in catalogue.get(scenario.cause).fixes if f.id == scenario.client_fix), None
        )
        assert fix is not None, (scenario.name, scenario.client_fix)
        assert fix.corrects is not None and not fix.operations, (scenario.name, fix.id)


def test_client_fix_verified_is_its_own_state_not_the_whole_loop() -> None:
    rows = {r.cause: r for r in coverage()}
    row = rows["sigv4-signature-mismatch"]
    assert row.client_verified and not row.loop
    line = next(x for x in render_markdown().splitlines() if x.startswith("| `sigv4-signature-m"))
    assert "client fix verified | changes nothing | n/a" in line


def test_a_scenario_without_a_proven_fix_is_not_called_client_side() -> None:
    # A scenario that reproduces and is diagnosed but names neither a fix, a client fix nor a
    # client-side reason has an API fix still to prove: the table must not claim the fix is the
    # client's (that would tell an engineer there is nothing to change in the API). Every bundled
    # scenario's fix is proven today, so the row is one of them with its proof taken away.
    proven = next(r for r in coverage() if r.loop)
    pending = dataclasses.replace(proven, fixed_by=(), client_fixed_by=(), client_side=())
    assert pending.reproduced and not pending.loop and not pending.client_verified
    line = next(
        x for x in render_markdown([pending]).splitlines() if x.startswith(f"| `{pending.cause}` |")
    )
    assert "client-side" not in line, line
    assert "not proven yet | not proven yet | not proven yet" in line, line
