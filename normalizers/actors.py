"""Actor tags at the end of 良い点/課題 sentences: 「…した（市・関）」."""

import re

ACTOR_CANON = {"市": "市", "関": "関係機関", "関係": "関係機関", "関係機関": "関係機関"}

_TAG = re.compile(r"\s*(?P<tag>[(（]\s*(?P<body>[^()（）]{1,20}?)\s*[)）])\s*(?P<end>[。.]?)\s*$")


def split_actor_tag(s: str) -> tuple[str, list[str], str | None]:
    """"…を行った（市・関）" → ("…を行った", ["市", "関係機関"], "（市・関）"); no tag → (s, [], None).

    Only a parenthesis whose every part is a known actor counts, so "(株)" stays in the text.
    A 。 after the tag is kept at the end of the text.
    """
    m = _TAG.search(s)
    if not m:
        return s.strip(), [], None
    parts = [p.strip() for p in re.split(r"[・、,/／]", m.group("body"))]
    if not parts or any(p not in ACTOR_CANON for p in parts):
        return s.strip(), [], None
    actors = list(dict.fromkeys(ACTOR_CANON[p] for p in parts))  # "市・関・関係" → no duplicates
    return s[: m.start()].rstrip() + m.group("end"), actors, m.group("tag")
