"""The graph pass over a schema-valid playbook.

Checks what the models alone cannot: every target exists, every node is reachable from `start`,
no cycles (reported `a → b → a`), every fact a condition or template reads is produced upstream
with a compatible type, `on_unknown: ask` names a question that supplies a fact the decision
reads, probe names exist in the registry, and cause/fix ids exist in the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wizard.catalogue.model import CATALOGUE_FILE, load_catalogue
from wizard.engine.errors import Lines, LintError, suggest
from wizard.engine.facts import fits
from wizard.engine.models import (
    AllCondition,
    AnyCondition,
    Condition,
    DecisionNode,
    EndNode,
    FactCondition,
    FactType,
    FixNode,
    Node,
    Playbook,
    ProbeNode,
    QuestionNode,
    node_templates,
    successors,
    template_refs,
)

Loc = tuple[str | int, ...]
_NUMERIC: frozenset[str] = frozenset({"integer", "number"})


class _Linter:
    def __init__(self, playbook: Playbook, lines: Lines, file: str) -> None:
        self.pb = playbook
        self.lines = lines
        self.file = file
        self.errors: list[LintError] = []
        self.reachable: set[str] = set()

    def error(self, path: Loc, message: str) -> None:
        dotted = ".".join(str(p) for p in path)
        self.errors.append(LintError(self.file, self.lines.line(path), dotted, message))

    # ------------------------------------------------------------------ structure

    def targets(self) -> None:
        ids = list(self.pb.nodes)
        if self.pb.start not in self.pb.nodes:
            self.error(("start",), f"unknown node '{self.pb.start}'" + suggest(self.pb.start, ids))
        for node_id, node in self.pb.nodes.items():
            for label, target in successors(node):
                if target not in self.pb.nodes:
                    self.error(
                        ("nodes", node_id, *_edge_path(label, node)),
                        f"unknown node '{target}'" + suggest(target, ids),
                    )

    def edges(self, node: Node, *, with_ask: bool = True) -> list[str]:
        out = []
        for label, target in successors(node):
            if target in self.pb.nodes and (with_ask or label != "on_unknown" or _is_goto(node)):
                out.append(target)
        return out

    def reachability(self) -> None:
        if self.pb.start not in self.pb.nodes:
            return
        seen = {self.pb.start}
        todo = [self.pb.start]
        while todo:
            for target in self.edges(self.pb.nodes[todo.pop()]):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        self.reachable = seen
        for node_id in self.pb.nodes:
            if node_id not in seen:
                self.error(
                    ("nodes", node_id), f"node '{node_id}' is not reachable from '{self.pb.start}'"
                )

    def cycles(self) -> None:
        """Depth-first search; an `on_unknown: ask` edge returns to its decision by design,
        so it is not followed (the question's own `next` is)."""
        state: dict[str, int] = {}  # 1 on the stack, 2 done
        stack: list[str] = []
        reported: set[tuple[str, ...]] = set()

        def visit(node_id: str) -> None:
            state[node_id] = 1
            stack.append(node_id)
            for target in self.edges(self.pb.nodes[node_id], with_ask=False):
                if state.get(target) == 1:
                    loop = stack[stack.index(target) :]
                    key = _rotate(loop)
                    if key not in reported:
                        reported.add(key)
                        shown = " → ".join([*key, key[0]])
                        self.error(("nodes", key[0]), f"cycle: {shown}")
                elif target not in state:
                    visit(target)
            stack.pop()
            state[node_id] = 2

        for node_id in self.pb.nodes:
            if node_id not in state:
                visit(node_id)

    # ------------------------------------------------------------------ facts

    def declared_types(self) -> dict[str, FactType]:
        types: dict[str, FactType] = {}
        where: dict[str, str] = {}

        def declare(name: str, type_: FactType, path: Loc, origin: str) -> None:
            if name in types and types[name] != type_:
                self.error(
                    path,
                    f"fact '{name}' is declared {type_} here but {types[name]} by {where[name]}",
                )
                return
            types.setdefault(name, type_)
            where.setdefault(name, origin)

        for name, decl in self.pb.inputs.items():
            declare(name, decl.type, ("inputs", name), f"input '{name}'")
        for node_id, node in self.pb.nodes.items():
            for name, type_, path in _produced(node):
                declare(name, type_, ("nodes", node_id, *path), f"node '{node_id}'")
        return types

    def available(self) -> dict[str, set[str]]:
        """For each node, the facts produced on at least one path from `start` before it."""
        avail: dict[str, set[str]] = {n: set() for n in self.pb.nodes}
        if self.pb.start not in self.pb.nodes:
            return avail
        avail[self.pb.start] = set(self.pb.inputs)
        changed = True
        while changed:  # sets only grow, so this terminates even on a cyclic graph
            changed = False
            for node_id, node in self.pb.nodes.items():
                out = avail[node_id] | {name for name, _, _ in _produced(node)}
                for target in self.edges(node):
                    if not out <= avail[target]:
                        avail[target] |= out
                        changed = True
        return avail

    def facts(self) -> None:
        types = self.declared_types()
        avail = self.available()
        producers = {
            n: node_id for node_id, node in self.pb.nodes.items() for n, _, _ in _produced(node)
        }
        producers.update({n: "inputs" for n in self.pb.inputs})
        for node_id, node in self.pb.nodes.items():
            if node_id not in self.reachable:
                continue  # reported as unreachable; its facts cannot be judged
            here = set(avail[node_id])
            if isinstance(node, DecisionNode):
                here |= self.asked_facts(node)
                for i, branch in enumerate(node.choices):
                    for sub, leaf in _leaves(branch.when):
                        path: Loc = ("nodes", node_id, "choices", i, "when", *sub)
                        # `exists` asks whether a fact is known yet: produced anywhere will do
                        seen = set(producers) if leaf.op == "exists" else here
                        if self.fact_read(leaf.fact, (*path, "fact"), node_id, seen, producers):
                            self.leaf_type(leaf, types.get(leaf.fact), path)
                self.on_unknown(node_id, node)
            for field, template in node_templates(node):
                for ref in template_refs(template):
                    self.fact_read(
                        ref, ("nodes", node_id, *_split(field)), node_id, here, producers
                    )
            if isinstance(node, EndNode):
                for i, name in enumerate(node.evidence):
                    self.fact_read(
                        name, ("nodes", node_id, "evidence", i), node_id, here, producers
                    )
            if isinstance(node, QuestionNode):
                self.question_values(node_id, node)
        for name, decl in self.pb.inputs.items():
            if decl.default is not None and not fits(decl.default, decl.type):
                self.error(
                    ("inputs", name, "default"), f"default {decl.default!r} is not {decl.type}"
                )

    def fact_read(
        self, name: str, path: Loc, node_id: str, here: set[str], producers: dict[str, str]
    ) -> bool:
        if name in here:
            return True
        if name in producers:
            self.error(
                path,
                f"fact '{name}' is read here but only produced by '{producers[name]}', "
                f"which is not on any path from '{self.pb.start}' to '{node_id}'",
            )
        else:
            self.error(
                path,
                f"fact '{name}' is not produced by any input, question or probe"
                + suggest(name, producers),
            )
        return False

    def leaf_type(self, leaf: FactCondition, type_: FactType | None, path: Loc) -> None:
        if type_ is None or leaf.op == "exists":
            return
        if leaf.op in ("gt", "ge", "lt", "le") and type_ not in _NUMERIC:
            self.error(
                (*path, "op"), f"op '{leaf.op}' compares numbers but '{leaf.fact}' is {type_}"
            )
        elif leaf.op == "matches" and type_ != "string":
            self.error((*path, "op"), f"op 'matches' needs a string but '{leaf.fact}' is {type_}")
        elif leaf.op == "contains":
            if type_ not in ("string", "list", "object"):
                self.error(
                    (*path, "op"),
                    f"op 'contains' needs a string, list or object but '{leaf.fact}' is {type_}",
                )
            elif type_ in ("string", "object") and not isinstance(leaf.value, str):
                self.error(
                    (*path, "value"), f"'{leaf.fact}' is {type_}: contains needs a string value"
                )
        elif leaf.op in ("eq", "ne", "in", "not_in"):
            values = leaf.value if leaf.op in ("in", "not_in") else [leaf.value]
            for v in values:
                if not fits(v, type_) and not (type_ == "number" and fits(v, "integer")):
                    self.error(
                        (*path, "value"), f"value {v!r} can never equal '{leaf.fact}' ({type_})"
                    )
                    break

    def asked_facts(self, node: DecisionNode) -> set[str]:
        if node.on_unknown is None or node.on_unknown.ask is None:
            return set()
        target = self.pb.nodes.get(node.on_unknown.ask)
        return {target.sets} if isinstance(target, QuestionNode) else set()

    def on_unknown(self, node_id: str, node: DecisionNode) -> None:
        if node.on_unknown is None or node.on_unknown.ask is None:
            return
        ask = node.on_unknown.ask
        target = self.pb.nodes.get(ask)
        path: Loc = ("nodes", node_id, "on_unknown", "ask")
        if target is None:
            return  # already reported as an unknown target
        if not isinstance(target, QuestionNode):
            self.error(path, f"'{ask}' is {_a(target.kind)} node; on_unknown.ask needs a question")
            return
        reads = {leaf.fact for b in node.choices for _, leaf in _leaves(b.when)}
        if target.sets not in reads:
            self.error(
                path,
                f"question '{ask}' sets '{target.sets}', which this decision does not read "
                f"(it reads {', '.join(sorted(reads))})",
            )

    def question_values(self, node_id: str, node: QuestionNode) -> None:
        type_ = node.fact_type
        for i, choice in enumerate(node.choices):
            if not fits(choice.value, type_):
                self.error(
                    ("nodes", node_id, "choices", i, "value"),
                    f"choice value {choice.value!r} is not {type_} (the type of '{node.sets}')",
                )
        if node.input != "choice" and node.default is not None and not fits(node.default, type_):
            self.error(("nodes", node_id, "default"), f"default {node.default!r} is not {type_}")

    # ------------------------------------------------------------------ names

    def probes(self, registry: Any) -> None:
        names = registry.names() if registry is not None else []
        if not names:
            return  # nothing registered (e.g. a bare engine test): cannot judge
        for node_id, node in self.pb.nodes.items():
            if isinstance(node, ProbeNode):
                for i, call in enumerate(node.probes):
                    if call.probe not in registry:
                        self.error(
                            ("nodes", node_id, "probes", i, "probe"),
                            f"unknown probe '{call.probe}'" + suggest(call.probe, names),
                        )

    def catalogue(self, catalogue: Any) -> None:
        if catalogue is None:
            return
        ids = catalogue.ids()
        for node_id, node in self.pb.nodes.items():
            if isinstance(node, FixNode):
                if node.cause not in ids:
                    self.error(
                        ("nodes", node_id, "cause"),
                        f"unknown cause '{node.cause}'" + suggest(node.cause, ids),
                    )
                elif isinstance(node.fixes, list):
                    fix_ids = [f.id for f in catalogue.get(node.cause).fixes]
                    for i, fix_id in enumerate(node.fixes):
                        if fix_id not in fix_ids:
                            self.error(
                                ("nodes", node_id, "fixes", i),
                                f"cause '{node.cause}' has no fix '{fix_id}'"
                                + suggest(fix_id, fix_ids),
                            )
            if isinstance(node, FixNode):
                after = self.pb.nodes.get(node.next)
                if isinstance(after, EndNode) and after.diagnosis != node.cause:
                    self.error(
                        ("nodes", node_id, "next"),
                        f"proposes fixes for '{node.cause}' but ends at '{node.next}', which "
                        f"diagnoses '{after.diagnosis or 'inconclusive'}'",
                    )
            if (
                isinstance(node, EndNode)
                and node.diagnosis is not None
                and node.diagnosis not in ids
            ):
                self.error(
                    ("nodes", node_id, "diagnosis"),
                    f"unknown cause '{node.diagnosis}'" + suggest(node.diagnosis, ids),
                )


def lint(
    playbook: Playbook,
    lines: Lines,
    file: str,
    *,
    registry: Any = None,
    catalogue: Any = None,
) -> list[LintError]:
    """Every graph/name problem of a schema-valid playbook, sorted by line.

    `registry`: check probe names (skipped when None or empty). `catalogue`: check cause and fix
    ids; None loads the shipped catalogue when causes.yaml exists (skipped otherwise).
    """
    linter = _Linter(playbook, lines, file)
    linter.targets()
    linter.reachability()
    linter.cycles()
    linter.facts()
    linter.probes(registry)
    linter.catalogue(catalogue if catalogue is not None else shipped_catalogue())
    return sorted(set(linter.errors))


def shipped_catalogue() -> Any:
    """The catalogue from causes.yaml, or None while it is missing or does not load."""
    try:
        return load_catalogue() if CATALOGUE_FILE.exists() else None
    except Exception:  # a catalogue being edited must not break playbook validation
        return None


# ---------------------------------------------------------------------- helpers


def _produced(node: Node) -> list[tuple[str, FactType, Loc]]:
    if isinstance(node, QuestionNode):
        return [(node.sets, node.fact_type, ("sets",))]
    if isinstance(node, ProbeNode):
        return [
            (name, sel.type, ("probes", i, "facts", name))
            for i, call in enumerate(node.probes)
            for name, sel in call.facts.items()
        ]
    return []


def _leaves(cond: Condition, path: Loc = ()) -> Iterator[tuple[Loc, FactCondition]]:
    if isinstance(cond, FactCondition):
        yield path, cond
    elif isinstance(cond, AllCondition):
        for i, c in enumerate(cond.all):
            yield from _leaves(c, (*path, "all", i))
    elif isinstance(cond, AnyCondition):
        for i, c in enumerate(cond.any):
            yield from _leaves(c, (*path, "any", i))
    else:
        yield from _leaves(cond.not_, (*path, "not"))


def _edge_path(label: str, node: Node) -> Loc:
    if label == "next":
        return ("next",)
    if label == "default":
        return ("default", "goto")
    if label == "on_unknown":
        return ("on_unknown", "goto" if _is_goto(node) else "ask")
    _, index = label.split(".")
    return ("choices", int(index), "goto")


def _is_goto(node: Node) -> bool:
    return (
        isinstance(node, DecisionNode)
        and node.on_unknown is not None
        and node.on_unknown.goto is not None
    )


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _split(field: str) -> Loc:
    return tuple(int(p) if p.isdigit() else p for p in field.split("."))


def _rotate(loop: list[str]) -> tuple[str, ...]:
    """The same cycle always reported the same way: starting at its smallest node id."""
    i = loop.index(min(loop))
    return tuple(loop[i:] + loop[:i])
