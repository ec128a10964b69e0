"""The near miss of a request no route matches: the route the stage does serve that the
request most nearly is (`GET /orders` for a `GET /order` or a `POST /orders`), read from the
routes the live probe listed (the Outcome's `deployed_routes`). Pure: no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from wizard.outcome.model import Outcome

NEAR_MISS_CAUSES = frozenset({"mat-route-not-found"})
_CUTOFF = 0.6  # how alike two paths must be to call one the other's near miss


def nearest_route(method: str, path: str, routes: Iterable[str]) -> str | None:
    """The served route ("METHOD /path") nearest to `method path`: the same path with another
    method first, else the most similar path (same method preferred); None when none is near."""
    served = [r for r in routes if isinstance(r, str) and " " in r]
    method, path = method.upper(), "/" + path.strip("/")
    same_path = sorted(r for r in served if r.split(" ", 1)[1].rstrip("/") == path.rstrip("/"))
    if same_path:
        return same_path[0]
    paths = {r.split(" ", 1)[1]: r for r in sorted(served, key=lambda r: r.split(" ")[0] != method)}
    close = difflib.get_close_matches(path, list(paths), n=1, cutoff=_CUTOFF)
    return paths[close[0]] if close else None


def near_routes(method: str, path: str, routes: Iterable[str]) -> list[str]:
    """Every served route near `method path`: the routes of the same path (another method);
    when there are none, those of each path as alike as `nearest_route` asks, with the request's
    method when that path has it. The corrected request is printed only when this is one."""
    served = sorted(r for r in routes if isinstance(r, str) and " " in r)
    method, path = method.upper(), "/" + path.strip("/")
    same_path = [r for r in served if r.split(" ", 1)[1].rstrip("/") == path.rstrip("/")]
    if same_path:
        return same_path
    by_path: dict[str, list[str]] = {}
    for route in served:
        by_path.setdefault(route.split(" ", 1)[1], []).append(route)
    close = difflib.get_close_matches(path, list(by_path), n=len(by_path) or 1, cutoff=_CUTOFF)
    out: list[str] = []
    for found in close:
        mine = [r for r in by_path[found] if r.split(" ", 1)[0] == method]
        out += mine or by_path[found]
    return out


def near_miss(outcome: Outcome) -> str | None:
    """One line naming the near miss of a missing route (None for other diagnoses, or when the
    routes could not be read)."""
    diagnosis = outcome.diagnosis
    if diagnosis is None or diagnosis.cause not in NEAR_MISS_CAUSES:
        return None
    facts = {fact.name: fact.value for fact in outcome.evidence}
    routes, method, path = facts.get("deployed_routes"), facts.get("method"), facts.get("path")
    if not isinstance(routes, list) or not isinstance(method, str) or not isinstance(path, str):
        return None
    found = nearest_route(method, path, routes)
    if found is None:
        return None
    return f"{found} exists; the request was {method.upper()} {path}."
