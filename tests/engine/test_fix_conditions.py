"""A catalogue fix's `applies_when` decides whether the engine proposes it: false = not
proposed, unknown = proposed as "maybe" with the fact that is missing, true = proposed."""

from __future__ import annotations

from tests.engine.helpers import PLAYBOOKS, catalogue, registry
from tests.engine.test_session import Clock, no_policy, ok_authorizer, ok_logs
from wizard.catalogue.model import Fix
from wizard.engine.conditions import Truth
from wizard.engine.fix_conditions import fix_fit
from wizard.engine.loader import load_playbook
from wizard.engine.session import Session


def _session_with(fixes: list[Fix]) -> Session:
    cat = catalogue()
    cause = cat.get("authz-cache-scoped-policy").model_copy(update={"fixes": fixes})
    cat = cat.model_copy(update={"causes": [cause, *cat.causes[1:]]})
    reg = registry(authorizer=ok_authorizer, logs=ok_logs, policy=no_policy)
    pb = load_playbook(PLAYBOOKS / "walk.yaml", check=False)
    s = Session(pb, registry=reg, catalogue=cat, clock=Clock(), inputs={"region": "r"})
    s.answer("not_authorized")
    s.run_probes()
    assert s.ended
    return s


def test_proposals_follow_applies_when() -> None:
    s = _session_with(
        [
            Fix(id="plain", title="t", explanation="e"),
            # ttl is 300 in this walk: true, false; `method` is never known here: unknown.
            Fix(
                id="ttl-cached",
                title="t",
                explanation="e",
                applies_when={"fact": "ttl", "op": "gt", "value": 0},
            ),
            Fix(
                id="ttl-off",
                title="t",
                explanation="e",
                applies_when={"fact": "ttl", "op": "eq", "value": 0},
            ),
            Fix(
                id="options-only",
                title="t",
                explanation="e",
                applies_when={"fact": "method", "op": "eq", "value": "OPTIONS"},
            ),
        ]
    )
    proposed = {p.fix_id: p for p in s.fixes()}
    assert list(proposed) == ["plain", "ttl-cached", "options-only"]
    assert proposed["plain"].applies == "true" and proposed["ttl-cached"].applies == "true"
    maybe = proposed["options-only"]
    assert maybe.applies == "unknown" and "method is not known" in maybe.applies_note
    assert maybe.to_dict()["applies"] == "unknown"


def test_an_unreadable_condition_means_cannot_tell() -> None:
    fit = fix_fit({"fact": "method", "op": "bogus"}, {"method": "GET"})
    assert fit.truth is Truth.UNKNOWN and fit.proposed
