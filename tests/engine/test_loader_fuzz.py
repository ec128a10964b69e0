"""Whatever the YAML, the loader answers with PlaybookError (one line per problem), never a
traceback: mutations of a valid playbook and arbitrary documents."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.helpers import PLAYBOOKS, catalogue, registry
from wizard.engine.lint import lint
from wizard.engine.loader import PlaybookError, parse_playbook

BASE = yaml.safe_load((PLAYBOOKS / "walk.yaml").read_text())
REG = registry(authorizer=lambda c, p: {}, logs=lambda c, p: {}, policy=lambda c, p: {})
CAT = catalogue()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=8),
    st.sampled_from(["next", "kind", "fact", "all", "not", "end", "question", "eq", "ttl"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


PATHS = [p for p in _paths(BASE) if p]


def _check(doc: Any) -> None:
    text = yaml.safe_dump(doc, sort_keys=False)
    try:
        playbook, lines = parse_playbook(text, "fuzz.yaml")
    except PlaybookError as exc:
        assert exc.errors and all("\n" not in str(e) for e in exc.errors)
        return
    for error in lint(playbook, lines, "fuzz.yaml", registry=REG, catalogue=CAT):
        assert "\n" not in str(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), values)
def test_mutated_playbooks_give_errors_not_tracebacks(path: tuple[Any, ...], value: Any) -> None:
    doc = copy.deepcopy(BASE)
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    _check(doc)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PATHS))
def test_removed_keys_give_errors_not_tracebacks(path: tuple[Any, ...]) -> None:
    doc = copy.deepcopy(BASE)
    target = doc
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    _check(doc)


@settings(max_examples=200, deadline=None)
@given(values)
def test_arbitrary_documents(doc: Any) -> None:
    _check(doc)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text: str) -> None:
    with contextlib.suppress(PlaybookError):
        parse_playbook(text, "fuzz.yaml")
