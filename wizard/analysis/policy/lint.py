"""What a policy earns from IAM Access Analyzer before any request: warnings, found once when
the policy is read (parse.py keeps them on the Policy).

- an Allow with NotPrincipal (the NotPrincipal reference "strongly recommend[s]" against it);
- a single-valued operator on a multivalued key, a set operator on a single-valued key, an
  unknown ``aws:`` key (the key catalogue, keys.py);
- a policy variable where IAM does not substitute one: a non-String, non-ARN operator, or a
  policy whose Version is not 2012-10-17 (that one is a note: it says how IAM reads the text).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from wizard.analysis.policy.keys import CATALOGUE, lookup
from wizard.analysis.policy.variables import VARIABLE_OPERATORS, VARIABLES_VERSION

if TYPE_CHECKING:
    from wizard.analysis.policy.conditions import Condition

__all__ = ["condition_warnings", "policy_warnings", "variables_note"]


def policy_warnings(statements: Sequence[Any]) -> list[str]:
    """Every warning for these parsed statements (parse.Statement), in statement order."""
    out = [
        f"statement {st.index}: an Allow with NotPrincipal allows every principal except the "
        "ones it names, anonymous callers included; AWS strongly recommends against it (use "
        "Principal with a condition on aws:PrincipalArn)"
        for st in statements
        if st.effect == "Allow" and st.not_principal is not None
    ]
    return out + condition_warnings((st.index, c) for st in statements for c in st.conditions)


def variables_note(statements: Sequence[Any], version: str | None) -> list[str]:
    """Say so when the policy writes ${...} that IAM will not substitute (wrong Version)."""
    if version == VARIABLES_VERSION or not any(
        "${" in text
        for st in statements
        for text in (
            *(st.resources or st.not_resources or ()),
            *(v for c in st.conditions for v in c.values),
        )
    ):
        return []
    shown = f"Version {version!r}" if version else "no Version"
    return [
        f"the policy has {shown}, so IAM reads ${{...}} as literal text: policy variables "
        f'need "Version": "{VARIABLES_VERSION}"'
    ]


def condition_warnings(conditions: Iterable[tuple[int, Condition]]) -> list[str]:
    """What IAM Access Analyzer would flag in these (statement index, condition) pairs."""
    out: list[str] = []
    for index, cond in conditions:
        where = f"statement {index}: {cond.operator} {cond.key}"
        info = lookup(cond.key)
        if info is None:
            if cond.key.lower().startswith("aws:"):
                out.append(
                    f"{where}: {cond.key} is not a global condition key IAM knows" + _near(cond.key)
                )
        elif info.multivalued and cond.qualifier is None and cond.base != "Null":
            out.append(
                f"{where}: {info.name} is multivalued, and an operator without ForAnyValue: or "
                "ForAllValues: does not say whether one value or every value must match "
                "(IAM Access Analyzer flags it); this evaluator reads it as 'any value'"
                + (" (for a negated operator: 'no value')" if cond.negated else "")
            )
        elif not info.multivalued and cond.qualifier is not None:
            vacuous = (
                " — and ForAllValues holds when the key is absent, so this can allow more than "
                "intended"
                if cond.qualifier == "ForAllValues"
                else ""
            )
            out.append(
                f"{where}: {info.name} is single-valued; IAM says not to use {cond.qualifier}: "
                f"with it{vacuous}"
            )
        if cond.base not in VARIABLE_OPERATORS and any("${" in v for v in cond.values):
            out.append(
                f"{where}: IAM substitutes policy variables only for String and ARN operators, "
                f"so {cond.base} compares the text ${{…}} literally"
            )
    return out


def _near(name: str) -> str:
    names = [k.name for k in CATALOGUE if not k.name.endswith("/")]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    if not close:
        lowered = {n.lower(): n for n in names}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), lowered, n=1)]
    return f" (did you mean {close[0]}?)" if close else ""
