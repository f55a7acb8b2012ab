import pytest

from hyoka.normalizers.actors import ACTOR_CANON, split_actor_tag


@pytest.mark.parametrize("s,text,actors,tag", [
    ("市制施行75周年に合わせて、プロモーションに資する市勢要覧とWEBサイトを構築した（市）",
     "市制施行75周年に合わせて、プロモーションに資する市勢要覧とWEBサイトを構築した", ["市"], "（市）"),
    ("吉祥寺フリーWi-Fiを用いた来街動機等調査2022年分を3月20日に公表（関）",
     "吉祥寺フリーWi-Fiを用いた来街動機等調査2022年分を3月20日に公表", ["関係機関"], "（関）"),
    ("CO+LAB MUSASHINOを試行的に開始し、連携による商品提供を行った（市・関）",
     "CO+LAB MUSASHINOを試行的に開始し、連携による商品提供を行った", ["市", "関係機関"], "（市・関）"),
    ("多文化共生プランを策定し、取組を進めている (市)", "多文化共生プランを策定し、取組を進めている", ["市"], "(市)"),
    ("そうした既存事業の活用も含めて検討する必要がある (市・関係)",
     "そうした既存事業の活用も含めて検討する必要がある", ["市", "関係機関"], "(市・関係)"),
    ("連携を強化した（関係機関）。", "連携を強化した。", ["関係機関"], "（関係機関）"),
])
def test_split_actor_tag(s, text, actors, tag):
    assert split_actor_tag(s) == (text, actors, tag)


@pytest.mark.parametrize("s", [
    "サイバーセキュリティ対策については、商工会議所とも連携をし、取り組む必要がある。",  # no tag printed
    "「トレジャーハンティング(探偵ムサシ)」",
    "(株)ムサシノ商事(株)",
    "事業を実施した（市・商工会）",  # 商工会 is not an actor code
])
def test_split_actor_tag_not_a_tag(s):
    assert split_actor_tag(s) == (s, [], None)


def test_actor_canon():
    assert ACTOR_CANON["関"] == ACTOR_CANON["関係"] == "関係機関"
