"""The walk as stages a person can follow: error text → execution logs → token claims → cache TTL
→ the authorizer's policy → the resource policy, and the branch the walk leaves that spine by.

The stages are data (`playbooks/stages/<playbook id>.yaml`, linted here when loaded: every node,
probe label and branch target must exist in the playbook). `walk_stages` reads the Outcome (its
path and timeline) and says, per stage: what was looked at (each probe in words, with the exact
AWS calls rendered through botocore's model), which facts it established or could not read, what
they mean (the reasons of the decisions taken: the playbook's words) and what they rule out (the
causes only the edges not taken lead to, from the playbook's graph). No front end derives any
of this: the TUI renders it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from wizard.analysis.bounded import BoundedParseError, load_yaml, read_capped
from wizard.aws.fixes.errors import RenderError
from wizard.aws.fixes.render import render_cli
from wizard.engine.models import (
    DecisionNode,
    EndNode,
    FixNode,
    Playbook,
    ProbeNode,
    condition_facts,
    successors,
)
from wizard.investigation.errors import InvestigationError
from wizard.outcome.model import Outcome

# skipped: the walk reached the stage but every look was skipped (offline: no AWS to read)
StageStatus = Literal["done", "current", "pending", "not_needed", "skipped"]
SHOWS = ("log_lines", "token_claims", "authorizer_policy", "resource_policy")
LookState = Literal["read", "failed", "skipped", "cancelled", "answered", "from_paste"]
_TEMPLATE = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class CallSpec:
    service: str
    operation: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class ProbeWords:
    label: str
    calls: tuple[CallSpec, ...] = ()
    mentions: bool = False  # its false booleans mean "not mentioned", not "no"


@dataclass(frozen=True)
class StageSpec:
    id: str
    label: str
    short: str
    items: tuple[str, ...]  # node ids, or node/probe-label for one probe call of a node
    shows: str | None = None  # the detailed view of what it read (one of SHOWS)


@dataclass
class StageBook:
    """The stages of one playbook, checked against it."""

    playbook: Playbook
    stages: tuple[StageSpec, ...]
    branches: dict[str, str]  # first node of a branch -> its name
    probes: dict[str, ProbeWords]
    descriptions: dict[str, str] = field(default_factory=dict)  # registry descriptions

    @cached_property
    def _where(self) -> dict[str, str]:
        return {item: stage.id for stage in self.stages for item in stage.items}

    def stage_of(self, node: str, probe_label: str | None = None) -> str | None:
        if probe_label is not None:
            found = self._where.get(f"{node}/{probe_label}")
            if found is not None:
                return found
        return self._where.get(node)

    def probe_words(self, probe: str) -> str:
        """A probe in words (never its registry name)."""
        words = self.probes.get(probe)
        if words is not None:
            return words.label
        return probe_words_fallback(probe, self.descriptions.get(probe))

    @cached_property
    def _reach(self) -> dict[str, frozenset[str]]:
        return {}

    @cached_property
    def decided_on(self) -> dict[str, frozenset[str]]:
        """decision node -> the facts its conditions read."""
        out = {}
        for node_id, node in self.playbook.nodes.items():
            if isinstance(node, DecisionNode):
                out[node_id] = frozenset(
                    c.fact for branch in node.choices for c in condition_facts(branch.when)
                )
        return out

    def causes_from(self, node_id: str) -> frozenset[str]:
        """Every cause a walk from `node_id` can end on (fix and end nodes), memoised."""
        memo = self._reach
        if node_id in memo:
            return memo[node_id]
        seen: set[str] = set()
        found: set[str] = set()
        stack = [node_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.playbook.nodes:
                continue
            seen.add(current)
            node = self.playbook.nodes[current]
            if isinstance(node, FixNode):
                found.add(node.cause)
            elif isinstance(node, EndNode) and node.diagnosis:
                found.add(node.diagnosis)
            stack.extend(target for _, target in successors(node))
        memo[node_id] = frozenset(found)
        return memo[node_id]

    def ruled_out(self, decision: str, taken: str) -> frozenset[str]:
        """The causes only the edges of `decision` not taken lead to."""
        node = self.playbook.nodes.get(decision)
        if not isinstance(node, DecisionNode):
            return frozenset()
        others: set[str] = set()
        for label, target in successors(node):
            if label != "on_unknown" and target != taken:
                others |= self.causes_from(target)
        return frozenset(others - self.causes_from(taken))


def probe_words_fallback(probe: str, description: str | None) -> str:
    """The first clause of a probe's registered description, or its name spelled out."""
    if description:
        first = re.split(r"[:(]", description, maxsplit=1)[0].strip().rstrip(",")
        if first:
            return first
    return probe.replace("_", " ").capitalize()


# ---------------------------------------------------------------------------- loading


def stages_file(playbook_file: str | Path | None) -> Path | None:
    """`stages/<name>.yaml` beside the playbook file, when there is one."""
    if not playbook_file:
        return None
    path = Path(playbook_file)
    candidate = path.parent / "stages" / path.name
    return candidate if candidate.is_file() else None


def load_stages(
    playbook: Playbook,
    playbook_file: str | Path | None,
    *,
    descriptions: Mapping[str, str] | None = None,
) -> StageBook | None:
    """The playbook's stages (None when it has no stages file). Raises InvestigationError
    naming the file and the first unknown id (with the nearest valid one)."""
    path = stages_file(playbook_file)
    if path is None:
        return None
    # lazy: PyYAML 87 ms (-X importtime); only this file-reading path needs it
    import yaml

    try:
        data = load_yaml(read_capped(path, what="stages file"), what=str(path))
    except (OSError, BoundedParseError, yaml.YAMLError) as exc:
        raise InvestigationError(f"cannot read stages file {path}: {exc}") from None
    return parse_stages(data, playbook, where=str(path), descriptions=descriptions)


def parse_stages(
    data: Any,
    playbook: Playbook,
    *,
    where: str = "stages",
    descriptions: Mapping[str, str] | None = None,
) -> StageBook:
    def fail(message: str) -> InvestigationError:
        return InvestigationError(f"{where}: {message}")

    if not isinstance(data, Mapping):
        raise fail("not a mapping")
    unknown_keys = set(data) - {"playbook", "stages", "branches", "probes"}
    if unknown_keys:
        raise fail(f"unknown key {sorted(unknown_keys)[0]!r}")
    if data.get("playbook") != playbook.id:
        raise fail(f"is for playbook {data.get('playbook')!r}, not {playbook.id!r}")
    nodes = playbook.nodes
    probe_names = {
        call.probe for node in nodes.values() if isinstance(node, ProbeNode) for call in node.probes
    }

    def check_node(node_id: Any, context: str) -> str:
        if not isinstance(node_id, str) or node_id not in nodes:
            raise fail(f"{context}: unknown node {node_id!r}{_nearest(node_id, nodes)}")
        return node_id

    stages: list[StageSpec] = []
    seen_items: dict[str, str] = {}
    for i, entry in enumerate(data.get("stages") or []):
        if not isinstance(entry, Mapping) or not {"id", "label", "nodes"} <= set(entry):
            raise fail(f"stages.{i}: needs id, label and nodes")
        extra = set(entry) - {"id", "label", "short", "nodes", "shows"}
        if extra:
            raise fail(f"stages.{i}: unknown key {sorted(extra)[0]!r}")
        stage_id = str(entry["id"])
        items = []
        for item in entry["nodes"] or []:
            node_id, _, probe_label = str(item).partition("/")
            check_node(node_id, f"stages.{stage_id}")
            if probe_label:
                node = nodes[node_id]
                labels = [c.label for c in node.probes] if isinstance(node, ProbeNode) else []
                if probe_label not in labels:
                    raise fail(
                        f"stages.{stage_id}: node {node_id!r} has no probe {probe_label!r}"
                        f"{_nearest(probe_label, labels)}"
                    )
            if str(item) in seen_items:
                raise fail(f"stages.{stage_id}: {item!r} is already in {seen_items[str(item)]!r}")
            seen_items[str(item)] = stage_id
            items.append(str(item))
        label = str(entry["label"])
        shows = entry.get("shows")
        if shows is not None and shows not in SHOWS:
            raise fail(f"stages.{stage_id}: shows {shows!r} is not one of {', '.join(SHOWS)}")
        short = str(entry.get("short") or label)
        stages.append(StageSpec(stage_id, label, short, tuple(items), shows))
    if not stages:
        raise fail("no stages")
    branches = {
        check_node(node_id, "branches"): str(name)
        for node_id, name in (data.get("branches") or {}).items()
    }
    probes: dict[str, ProbeWords] = {}
    for name, entry in (data.get("probes") or {}).items():
        if name not in probe_names:
            raise fail(
                f"probes: no node of the playbook runs {name!r}{_nearest(name, probe_names)}"
            )
        if not isinstance(entry, Mapping) or not entry.get("label"):
            raise fail(f"probes.{name}: needs a label")
        calls = tuple(
            CallSpec(str(c["service"]), str(c["operation"]), dict(c.get("params") or {}))
            for c in entry.get("calls") or []
        )
        extra = set(entry) - {"label", "calls", "mentions"}
        if extra:
            raise fail(f"probes.{name}: unknown key {sorted(extra)[0]!r}")
        probes[name] = ProbeWords(str(entry["label"]), calls, bool(entry.get("mentions")))
    return StageBook(playbook, tuple(stages), branches, probes, dict(descriptions or {}))


def _nearest(name: Any, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class LookedAt:
    """One thing a stage looked at: a probe (in words, with its AWS calls) or a question."""

    what: str
    state: LookState
    commands: tuple[str, ...] = ()  # the exact AWS CLI commands of the calls it makes
    note: str = ""  # why it failed or was skipped


@dataclass(frozen=True)
class StageOut:
    id: str
    label: str
    short: str
    status: StageStatus
    branch: bool = False  # the branch the walk left the spine by
    shows: str | None = None
    looked_at: tuple[LookedAt, ...] = ()
    facts: tuple[str, ...] = ()  # facts it established (names; values are the Outcome's)
    unknown: tuple[tuple[str, str], ...] = ()  # facts it could not read, with why
    means: tuple[str, ...] = ()  # the reasons of the decisions taken in it
    rules_out: tuple[str, ...] = ()  # cause ids only the edges not taken lead to
    asked: bool = False  # the user answered a question in it (it was a step already)

    @property
    def reached(self) -> bool:
        return self.status in ("done", "current")


@dataclass
class _Acc:
    spec_id: str
    label: str
    short: str
    shows: str | None = None
    branch: bool = False
    looked: list[LookedAt] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    means: list[str] = field(default_factory=list)
    rules_out: set[str] = field(default_factory=set)
    asked: bool = False
    touched: bool = False


def walk_stages(
    book: StageBook,
    outcome: Outcome,
    *,
    current_node: str | None = None,
    prefilled: Iterable[str] = (),
    target: Any = None,
) -> list[StageOut]:
    """The stages of this walk in rail order, from the Outcome's path and timeline."""
    nodes = book.playbook.nodes
    known = {fact.name: fact.value for fact in outcome.evidence}
    probe_last: dict[tuple[str, str], Mapping[str, Any]] = {}
    facts_by_origin: dict[str, dict[str, Mapping[str, Any]]] = {}
    for event in outcome.timeline:
        data = event.model_dump()
        kind = data["event"]
        if kind in ("ProbeFinished", "ProbeFailed", "ProbeSkipped"):
            probe_last[(data["node"], data["label"])] = data
        elif kind == "FactSet":
            facts_by_origin.setdefault(str(data.get("origin")), {})[data["fact"]] = data
    prefilled_facts = set(prefilled)
    # What a stage "showed": the facts it established that the walk's decisions read (the
    # rest of a probe's output is detail, in the Outcome's facts table).
    read_by_walk = set().union(
        *(book.decided_on.get(step.node, frozenset()) for step in outcome.path)
    )

    accs = {s.id: _Acc(s.id, s.label, s.short, s.shows) for s in book.stages}
    order = [s.id for s in book.stages]
    current: str | None = None
    branch: _Acc | None = None

    def stage_for(node_id: str, label: str | None = None) -> _Acc:
        nonlocal current
        found = book.stage_of(node_id, label)
        if found is not None:
            if branch is None or label is None:
                current = found
            return accs[found]
        if branch is not None:
            return branch
        return accs[current or order[0]]

    for step in outcome.path:
        node = nodes.get(step.node)
        if node is None or isinstance(node, FixNode | EndNode):
            continue
        if isinstance(node, ProbeNode):
            for call in node.probes:
                acc = stage_for(step.node, call.label)
                acc.looked.append(_looked(book, step.node, call, probe_last, known, target))
                looked = acc.looked[-1]
                if looked.state != "skipped":
                    acc.touched = True
                words = book.probes.get(call.probe)
                silent_false = words is not None and words.mentions
                for name, fact in facts_by_origin.get(f"{step.node}/{call.label}", {}).items():
                    if silent_false and known.get(name) is False:
                        continue  # "not mentioned in the paste", not a finding
                    if not fact.get("known"):
                        acc.unknown.append((name, str(fact.get("note") or "")))
                    elif (
                        name in read_by_walk
                        and known.get(name) not in (None, "")
                        and name not in acc.facts
                    ):
                        acc.facts.append(name)
            continue
        acc = stage_for(step.node)
        acc.touched = True
        if step.kind == "question":
            sets = getattr(node, "sets", "")
            from_paste = sets in prefilled_facts
            acc.asked = acc.asked or (not from_paste and step.edge != "skip")
            if step.edge != "skip":
                acc.looked.append(
                    LookedAt(node.title or sets, "from_paste" if from_paste else "answered")
                )
            if not from_paste and sets in known and sets not in acc.facts:
                acc.facts.append(sets)
        elif isinstance(node, DecisionNode) and step.target:
            if step.edge != "on_unknown" and step.reason and step.reason not in acc.means:
                acc.means.append(step.reason)
            if step.edge not in ("on_unknown", None):
                acc.rules_out |= book.ruled_out(step.node, step.target)
            if step.target in book.branches and branch is None:
                name = book.branches[step.target]
                branch = _Acc(f"branch:{step.target}", name, name, None, branch=True, touched=True)
                order.insert(order.index(acc.spec_id) + 1, branch.spec_id)
                accs[branch.spec_id] = branch

    diagnosed = outcome.diagnosis.cause if outcome.diagnosis else None
    now_stage = None
    if current_node is not None and not outcome.ended:
        found = book.stage_of(current_node)
        now_stage = found if found is not None else (branch.spec_id if branch else current)
    out = []
    for stage_id in order:
        acc = accs[stage_id]
        if stage_id == now_stage:
            status: StageStatus = "current"
        elif acc.touched:
            status = "done"
        elif acc.looked and all(look.state == "skipped" for look in acc.looked):
            status = "skipped"  # reached, nothing read: not "pending", it will not be read
        else:
            status = "not_needed" if outcome.ended else "pending"
        out.append(
            StageOut(
                id=stage_id,
                label=acc.label,
                short=acc.short,
                status=status,
                branch=acc.branch,
                shows=acc.shows,
                looked_at=tuple(acc.looked),
                facts=tuple(acc.facts),
                unknown=tuple(dict.fromkeys(acc.unknown)),
                means=tuple(acc.means),
                rules_out=tuple(sorted(acc.rules_out - {diagnosed})),
                asked=acc.asked,
            )
        )
    return out


def _looked(
    book: StageBook,
    node: str,
    call: Any,
    last: Mapping[tuple[str, str], Mapping[str, Any]],
    known: Mapping[str, Any],
    target: Any,
) -> LookedAt:
    event = last.get((node, call.label), {})
    kind = event.get("event")
    state: LookState = "read"
    note = ""
    if kind == "ProbeFailed":
        state = "cancelled" if event.get("error_kind") == "cancelled" else "failed"
        note = str(event.get("message") or event.get("error_kind") or "")
    elif kind == "ProbeSkipped":
        state, note = "skipped", str(event.get("reason") or "")
    words = book.probes.get(call.probe)
    commands = tuple(render_call(c, known, target) for c in (words.calls if words else ()))
    return LookedAt(book.probe_words(call.probe), state, tuple(c for c in commands if c), note)


def render_call(call: CallSpec, known: Mapping[str, Any], target: Any) -> str:
    """The exact AWS CLI command of one call a probe makes, known values filled in and the
    others as `<fact>` placeholders (rendered through botocore's model, never an f-string)."""

    def fill(template: str) -> str:
        def one(match: re.Match[str]) -> str:
            value = known.get(match.group(1))
            return str(value) if value not in (None, "") else f"<{match.group(1)}>"

        return _TEMPLATE.sub(one, template)

    params = {key: fill(str(value)) for key, value in call.params.items()}
    try:
        return render_cli(call.service, call.operation, params, target)
    except RenderError:
        return ""
