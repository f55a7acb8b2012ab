"""Structure: cross references printed from both ends, numbering gaps, ended measures that reappear."""

from __future__ import annotations

import re
from typing import Iterable

from hyoka.normalizers.directions import ENDING
from hyoka.pipeline.audit.context import DocContext
from hyoka.pipeline.audit.findings import CONSISTENT, WARNING, Finding
from hyoka.pipeline.rules import RuleSet


def check_cross_references(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    refs = dt.rows("cross_references")
    measures = {m["key"]: m for m in dt.rows("measures")}
    links = {(r["from_key"], r["to_key"]) for r in refs if r["relation"] == "連携"}
    for r in refs:
        loc = r["src"]
        if r["to_key"] not in measures:
            yield dt.finding(check="cross_reference", status=WARNING, scope=r["from_key"], location=loc,
                             stated=r["to_id_raw"], inputs=[loc],
                             message=f"{r['from_key']} refers to {r['to_id_raw']}, which is not in the report")
            continue
        back = (r["to_key"], r["from_key"]) in links
        target = measures[r["to_key"]]
        yield dt.finding(
            check="cross_reference", status=CONSISTENT if back else WARNING, scope=r["from_key"], location=loc,
            stated=r["to_id_raw"], inputs=[loc, target["src"]],
            message=f"{r['from_key']} ↔ {r['to_key']}: " + ("printed from both ends" if back else
                    f"{r['to_key']} does not refer back to {r['from_key']}"),
        )


def check_numbering(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    by_prefix: dict[str, dict[int, dict]] = {}
    for m in dt.rows("measures"):
        if m.get("kind") == "measure" and m.get("id") and (g := re.fullmatch(r"(.+?)-(\d+)", str(m["id"]))):
            by_prefix.setdefault(g.group(1), {})[int(g.group(2))] = m
    for prefix, numbered in by_prefix.items():
        for n in range(1, max(numbered) + 1):
            if n not in numbered:
                after = numbered.get(n - 1)
                nxt = min(k for k in numbered if k > n)
                yield dt.finding(
                    check="numbering", status=WARNING, scope=f"{prefix}-{n}",
                    location=numbered[nxt]["src"], stated=f"{prefix}-{nxt}", recomputed=float(n),
                    inputs=[x["src"] for x in (after, numbered[nxt]) if x],
                    message=f"{prefix}-{n} is missing: {prefix}-{n - 1 if after else '?'} is followed by {prefix}-{nxt}",
                )


_ENDING = {d.value for d in ENDING}


def check_ended_measures(dt: DocContext, rules: RuleSet) -> Iterable[Finding]:
    """A measure of the previous plan that the report says ends (終了/廃止) should not reappear in this
    plan. Which rows look back at the previous plan is the layout's to say (measures.prior_plan)."""
    measures = dt.measures
    later = [m for m in measures if m.get("kind") == "measure" and not m.get("prior_plan")]
    for m in (m for m in measures if m.get("prior_plan") and m.get("direction") in _ENDING):
        again = [x for x in later if _same_name(x["name"], m["name"])]
        yield dt.finding(
            check="ended_reappears", status=WARNING if again else CONSISTENT, scope=m["key"], location=m["src"],
            stated=m["direction"], inputs=[m["src"]] + [x["src"] for x in again],
            message=f"「{m['name']}」 marked {m['direction']} " + (
                f"reappears as {', '.join(x['key'] for x in again)}" if again else "does not reappear in the later plan"),
        )


def _same_name(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[\s「」『』・、]", "", s or "")
    return norm(a) == norm(b)

