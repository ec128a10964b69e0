"""Playbook format v1: the pydantic models of a YAML decision tree.

A playbook is data, validated hard: every model forbids unknown keys, node kinds are a
discriminated union on `kind`, conditions are declarative `{fact, op, value}` composed with
`all` / `any` / `not` (no expressions, no eval), and JMESPath selects and regexes are compiled
here, at load, so a typo fails `playbook validate` instead of a walk in the middle of an incident.

The graph checks that need the whole playbook (targets exist, reachability, cycles, facts produced
upstream with a compatible type) live in `wizard.engine.lint`. The format is described for
playbook authors in docs/playbook-format.md.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeAlias

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

# The condition language lives in wizard.catalogue.conditions (the catalogue's evidence rules use
# it too, and the catalogue is the lowest layer); re-exported here for the playbook models.
from wizard.catalogue.conditions import (  # noqa: F401 (re-exported)
    FACT_NAME,
    AllCondition,
    AnyCondition,
    Condition,
    FactCondition,
    FactName,
    NotCondition,
    Op,
    _condition_tag,
    condition_facts,
)

SCHEMA_VERSION = 1

FactType = Literal["string", "integer", "number", "boolean", "list", "object"]
"""The declared type of a fact. `null` is a legal value of every type: a field that is absent."""

InputKind = Literal["choice", "text", "paste", "confirm"]
NODE_ID = r"^[a-z][a-z0-9_-]*$"
NodeId = Annotated[str, Field(pattern=NODE_ID, description="a node id: lower-case, - or _")]

# A fact reference inside a template: `{name}`; `{{` and `}}` are literal braces.
TEMPLATE_REF = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")

# JMESPath reads a bare `true` as the *field* named "true", which is absent, so a select or a
# comparison silently yields null/false. JSON literals must be written `true` in backticks.
_BARE_LITERALS = frozenset({"true", "false", "null"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


def template_refs(template: str) -> list[str]:
    """The fact names a `{fact}` template reads, in order of appearance."""
    return [m.group(1) for m in TEMPLATE_REF.finditer(template) if m.group(1)]


# --------------------------------------------------------------------------- declarations


class InputDecl(_Model):
    """A value given when the walk starts (CLI flag, headless answer, live target)."""

    type: FactType = "string"
    description: str = ""
    required: bool = False
    default: Any = None


class Help(_Model):
    """Help for a less experienced engineer: why we ask, and where to find the answer."""

    why: str = Field(min_length=1, description="why the wizard asks this")
    where: str | None = Field(
        default=None, description="where to find it: console path, CLI command, log group"
    )


class Choice(_Model):
    value: str | int | float | bool
    label: str
    help: str | None = None


class _Node(_Model):
    title: str | None = Field(default=None, description="short label for graphs, timelines")


class QuestionNode(_Node):
    """Ask the user; the answer becomes the fact named by `sets`."""

    kind: Literal["question"]
    input: InputKind
    prompt: str = Field(min_length=1)
    help: Help
    choices: list[Choice] = Field(default_factory=list)
    default: Any = None
    sets: FactName
    type: FactType | None = Field(
        default=None,
        description="type of the fact set; default boolean for confirm, string otherwise",
    )
    allow_unknown: bool = Field(
        default=False, description="offer 'I don't know', which sets the fact to unknown"
    )
    skip_if_known: bool = Field(
        default=False, description="skip the question when the fact is already known"
    )
    next: NodeId

    @property
    def fact_type(self) -> FactType:
        if self.type is not None:
            return self.type
        return "boolean" if self.input == "confirm" else "string"

    @model_validator(mode="after")
    def _check_choices(self) -> QuestionNode:
        if self.input == "choice":
            if not self.choices:
                raise ValueError("a choice question needs at least one entry in 'choices'")
            values = [c.value for c in self.choices]
            dupes = sorted({str(v) for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate choice values: {', '.join(dupes)}")
            if self.default is not None and self.default not in values:
                raise ValueError(f"default {self.default!r} is not one of the choice values")
        elif self.choices:
            raise ValueError(f"'choices' only applies to input: choice, not {self.input}")
        if self.input == "confirm" and self.fact_type != "boolean":
            raise ValueError("a confirm question sets a boolean fact")
        return self


class FactSelect(_Model):
    """Where a fact comes from in a probe's result, and its declared type."""

    select: str = Field(min_length=1, description="JMESPath over the probe's JSON result")
    type: FactType

    @field_validator("select")
    @classmethod
    def _compile(cls, select: str) -> str:
        try:
            parsed = jmespath.compile(select).parsed
        except JMESPathError as exc:
            reason = str(getattr(exc, "msg", "") or exc).split("\n")[0]
            column = getattr(exc, "lex_position", None)
            where = f" at column {column}" if column is not None else ""
            raise ValueError(f"invalid JMESPath {select!r}: {reason}{where}") from None
        bare = _bare_literal(parsed)
        if bare:
            raise ValueError(
                f"bare '{bare}' in JMESPath {select!r} is a field name, not a literal "
                f"(it silently reads null); write `{bare}` in backticks"
            )
        return select


def _bare_literal(node: Any) -> str | None:
    if isinstance(node, dict):
        if node.get("type") == "field" and node.get("value") in _BARE_LITERALS:
            return str(node["value"])
        for child in node.get("children", []):
            found = _bare_literal(child)
            if found:
                return found
    elif isinstance(node, list):
        for child in node:
            found = _bare_literal(child)
            if found:
                return found
    return None


class ProbeCall(_Model):
    """One probe of a probe node: registry name, parameters, facts selected from its result."""

    id: str | None = Field(default=None, description="label when one node calls a probe twice")
    probe: str = Field(min_length=1, description="name in wizard.engine.probes.REGISTRY")
    with_: dict[str, Any] = Field(
        default_factory=dict,
        alias="with",
        description='parameters: "{fact}" passes the fact\'s value, other strings are templates',
    )
    facts: dict[FactName, FactSelect] = Field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.id or self.probe


class ProbeNode(_Node):
    """Run probes (concurrently); failed probes make their facts unknown, never false."""

    kind: Literal["probe"]
    probes: list[ProbeCall] = Field(min_length=1)
    next: NodeId


class Edge(_Model):
    goto: NodeId
    reason: str = Field(min_length=1, description="why this edge, shown to the user")


class Branch(Edge):
    when: Condition


class OnUnknown(_Model):
    """Where to go when a condition cannot be decided because a fact is unknown.

    `ask`: a question node whose answer supplies the missing evidence; the decision is then
    evaluated again. `goto`: jump to any node.
    """

    goto: NodeId | None = None
    ask: NodeId | None = None
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_target(self) -> OnUnknown:
        if (self.goto is None) == (self.ask is None):
            raise ValueError("on_unknown needs exactly one of 'goto' or 'ask'")
        return self

    @property
    def target(self) -> str:
        return self.ask or self.goto or ""


class DecisionNode(_Node):
    """Ordered branches: the first true `when` wins; an unknown one stops at `on_unknown`."""

    kind: Literal["decision"]
    choices: list[Branch] = Field(min_length=1)
    default: Edge
    on_unknown: OnUnknown | None = None


class FixNode(_Node):
    """Propose fixes from the catalogue for a cause."""

    kind: Literal["fix"]
    cause: str = Field(min_length=1, description="catalogue cause id")
    fixes: Literal["all"] | list[str] = Field(
        default="all", description="catalogue fix ids of that cause, or all"
    )
    explanation: str = Field(min_length=1, description="template with {fact} references")
    next: NodeId


class EndNode(_Node):
    """The walk's conclusion: a catalogue cause, or null when inconclusive."""

    kind: Literal["end"]
    diagnosis: str | None = Field(description="catalogue cause id, or null (inconclusive)")
    summary: str = Field(min_length=1, description="template with {fact} references")
    evidence: list[FactName] = Field(
        default_factory=list, description="facts that support the diagnosis, for the report"
    )


Node: TypeAlias = Annotated[
    QuestionNode | ProbeNode | DecisionNode | FixNode | EndNode,
    Field(discriminator="kind"),
]


class Playbook(_Model):
    schema_version: Literal[1]
    id: str = Field(pattern=NODE_ID)
    version: str = Field(min_length=1, description="this playbook's version, stamped in reports")
    title: str = Field(min_length=1)
    description: str = ""
    inputs: dict[FactName, InputDecl] = Field(default_factory=dict)
    start: NodeId
    nodes: dict[NodeId, Node] = Field(min_length=1)

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]


def successors(node: Node) -> list[tuple[str, str]]:
    """Outgoing edges of a node as (label, target) pairs, in declaration order."""
    if isinstance(node, QuestionNode | ProbeNode | FixNode):
        return [("next", node.next)]
    if isinstance(node, DecisionNode):
        edges = [(f"choices.{i}", b.goto) for i, b in enumerate(node.choices)]
        edges.append(("default", node.default.goto))
        if node.on_unknown is not None:
            edges.append(("on_unknown", node.on_unknown.target))
        return edges
    return []


def node_templates(node: Node) -> list[tuple[str, str]]:
    """(field, template) pairs of a node whose `{fact}` references must resolve."""
    if isinstance(node, FixNode):
        return [("explanation", node.explanation)]
    if isinstance(node, EndNode):
        return [("summary", node.summary)]
    if isinstance(node, ProbeNode):
        return [
            (f"probes.{i}.with.{k}", v)
            for i, call in enumerate(node.probes)
            for k, v in call.with_.items()
            if isinstance(v, str)
        ]
    return []
