"""chunk_reply: passages follow sections, split at sentence ends, skip boilerplate."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from index.chunk import chunk_reply
from index.reply import Chunk, Measure, Reply, Section, Source

SENTENCE = "市工业和信息化局组织开展专精特新企业培育，第{}批共认定企业二十家。"  # 33-34 chars


def make_reply(**fields: object) -> Reply:
    base: dict[str, object] = {
        "doc_id": "d1",
        "kind": "proposal_reply",
        "title": "对市政协十四届五次会议第120号提案的答复",
        "body": "",
        "source": Source("d1.txt"),
    }
    return Reply(**{**base, **fields})  # type: ignore[arg-type]


def long_text(n: int) -> str:
    return "".join(SENTENCE.format(i) for i in range(n))


def assert_well_formed(chunks: tuple[Chunk, ...], doc_id: str, max_chars: int) -> None:
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.chunk_id == f"{doc_id}::{c.ordinal}" and c.doc_id == doc_id
        assert c.passage.strip() and c.text.strip()
        assert c.text.endswith(c.passage)
        assert len(c.passage) <= max_chars


def test_one_passage_per_section_with_title_prefix() -> None:
    sections = (
        Section("一、工作基本情况", "全市共有规上工业企业865家。", 1),
        Section("（一）明确产业发展定位", "围绕高端装备等六大产业编制四个图谱。", 2),
        Section("二、下步工作计划", "一是进一步明确各城区产业定位。二是加强产业集群配套建设。", 1),
    )
    reply = make_reply(sections=sections, proposal_title="《关于支持设立高端制造业开发园区的提案》")
    chunks = chunk_reply(reply)
    assert_well_formed(chunks, "d1", 400)
    assert [c.heading for c in chunks] == [s.heading for s in sections]
    assert [c.passage for c in chunks] == [s.text for s in sections]
    assert chunks[1].text == (
        "关于支持设立高端制造业开发园区的提案｜（一）明确产业发展定位\n"
        "围绕高端装备等六大产业编制四个图谱。"
    )


def test_title_used_when_no_proposal_title_and_prefix_stays_short() -> None:
    reply = make_reply(
        title="关于" + "城区道路" * 30 + "的答复",
        sections=(Section("（一）" + "加强" * 40, "已完成道路硬化。"),),
    )
    (chunk,) = chunk_reply(reply)
    prefix = chunk.text.split("\n")[0]
    assert prefix.startswith("关于城区道路") and "｜（一）加强" in prefix
    assert len(prefix) <= 80


def test_long_text_splits_at_sentence_ends_with_overlap() -> None:
    text = long_text(30)  # ~1,000 chars
    reply = make_reply(sections=(Section("（三）加大企业培育力度", text),))
    chunks = chunk_reply(reply, max_chars=200, overlap=40)
    assert_well_formed(chunks, "d1", 200)
    assert len(chunks) >= 5
    assert all(c.heading == "（三）加大企业培育力度" for c in chunks)
    for before, after in itertools.pairwise(chunks):
        assert before.passage.endswith("。")
        last_sentence = before.passage[before.passage.rstrip("。").rfind("。") + 1 :]
        assert after.passage.startswith(last_sentence)  # the overlap
    # Nothing lost: every sentence is in some passage.
    assert all(any(SENTENCE.format(i) in c.passage for c in chunks) for i in range(30))


def test_no_overlap_when_zero() -> None:
    reply = make_reply(sections=(Section("", long_text(12)),))
    chunks = chunk_reply(reply, max_chars=120, overlap=0)
    assert "".join(c.passage for c in chunks) == long_text(12)


def test_a_sentence_longer_than_max_chars_is_hard_split() -> None:
    run_on = "，".join(f"第{i}项工作已完成" for i in range(120))  # ~1,000 chars, no 。
    chunks = chunk_reply(make_reply(sections=(Section("", run_on),)), max_chars=300, overlap=30)
    assert_well_formed(chunks, "d1", 300)
    assert len(chunks) >= 4
    for before, after in itertools.pairwise(chunks):
        assert after.passage[:30] == before.passage[-30:]
    assert chunks[0].passage + "".join(c.passage[30:] for c in chunks[1:]) == run_on


def test_boilerplate_and_header_lines_are_not_embedded() -> None:
    body = "\n".join(
        [
            "焦工信〔2022〕64号",
            "签发人：付希强",
            "办理结果：A",
            "对市政协十四届五次会议第120号提案的答复",
            "李秀萍委员：",
            "您提出的提案收悉，现答复如下：",
            "2021年全市规上工业企业营业收入同比增长5.3%。",
            "在此，再次感谢您对我们工作的关心和指导，欢迎继续多提宝贵意见和建议。",
            "2022年7月26日",
            "联系单位：焦作市工业和信息化局",
            "联系电话：3569411",
            "联系人：李志翔",
            "抄送：市政协提案委（1份），市政府督查室（1份）。",
            "焦作市工业和信息化局办公室",
            "2022年7月26日印发",
        ]
    )
    reply = make_reply(body=body, issuer="焦作市工业和信息化局")
    (chunk,) = chunk_reply(reply)
    assert chunk.passage == "2021年全市规上工业企业营业收入同比增长5.3%。"
    assert chunk.heading == ""


def test_boilerplate_only_reply_yields_nothing() -> None:
    for body in ("网友：您好！留言已收悉。", "网友：您好！留言已收悉", "  \n ", "感谢您的留言！"):
        assert chunk_reply(make_reply(kind="message_reply", body=body)) == ()
    empty_section = make_reply(
        sections=(
            Section("一、说明", "感谢您对我们工作的支持！"),
            Section("二、情况", "已完成整改。"),
        )
    )
    chunks = chunk_reply(empty_section)
    assert [(c.ordinal, c.heading) for c in chunks] == [(0, "二、情况")]


def test_message_reply_paragraphs_packed_and_split() -> None:
    body = (
        "网友“UU008846”\u3000\u3000您好！您的留言已收悉。现将有关情况回复如下：\u3000\u3000"
        "经调查，该路段路灯因线路老化损坏。\u3000\u3000城管局已于3月5日完成维修。\u3000\u3000"
        "感谢您对我们工作的支持、理解与监督！2018年3月19日"
    )
    reply = make_reply(kind="message_reply", title="A市某路段路灯不亮", body=body)
    (chunk,) = chunk_reply(reply)
    assert chunk.passage == "经调查，该路段路灯因线路老化损坏。\n城管局已于3月5日完成维修。"
    assert chunk.text.startswith("A市某路段路灯不亮\n")
    long_reply = make_reply(kind="message_reply", title="t", body="\n".join([long_text(8)] * 3))
    chunks = chunk_reply(long_reply, max_chars=300, overlap=30)
    assert_well_formed(chunks, "d1", 300)
    assert len(chunks) >= 3


def test_addressee_prefix_removed_but_quoted_terms_kept() -> None:
    body = "“UU008913”：一、关于评委的问题。面试由七名评委打分。\n“放管服”改革持续推进。"
    (chunk,) = chunk_reply(make_reply(kind="message_reply", title="t", body=body))
    assert chunk.passage == "一、关于评委的问题。面试由七名评委打分。\n“放管服”改革持续推进。"


def test_headings_start_new_passages_in_unstructured_bodies() -> None:
    body = "一、基本情况\n全市共有企业865家。\n二、下步计划\n将继续推进企业培育。"
    chunks = chunk_reply(make_reply(body=body))
    assert [c.passage for c in chunks] == [
        "一、基本情况\n全市共有企业865家。",
        "二、下步计划\n将继续推进企业培育。",
    ]


def test_measures_never_make_passages() -> None:
    # Measures are clauses picked out of the text: cutting by them would drop the rest.
    measures = (
        Measure("明确产业定位", "编制重点产业四个图谱", "done"),
        Measure("加强集群配套", "推动上下游配套建设", "planned"),
    )
    body = "经研究，编制重点产业四个图谱。全市共有企业865家。下一步将推动上下游配套建设。"
    chunks = chunk_reply(make_reply(body=body, measures=measures))
    assert [(c.heading, c.passage) for c in chunks] == [("", body)]


def test_bare_heading_sections_fall_back_to_the_body() -> None:
    bare = (Section("一、路灯已全部更换为节能灯具", ""),)
    heading_only = make_reply(sections=bare, body="张三委员：\n一、路灯已全部更换为节能灯具")
    assert [c.passage for c in chunk_reply(heading_only)] == ["一、路灯已全部更换为节能灯具"]
    body_only = make_reply(sections=bare, body="张三委员：\n路灯已全部更换。")
    assert [c.passage for c in chunk_reply(body_only)] == ["路灯已全部更换。"]


def test_deterministic() -> None:
    reply = make_reply(sections=(Section("一、情况", long_text(20)),))
    assert chunk_reply(reply, max_chars=150) == chunk_reply(reply, max_chars=150)


def test_bad_arguments() -> None:
    reply = make_reply(body="已完成。")
    with pytest.raises(ValueError, match="max_chars"):
        chunk_reply(reply, max_chars=5)
    with pytest.raises(ValueError, match="overlap"):
        chunk_reply(reply, max_chars=100, overlap=60)
    with pytest.raises(ValueError, match="overlap"):
        chunk_reply(reply, overlap=-1)
    with pytest.raises(TypeError, match="Reply"):
        chunk_reply({"body": "x"})  # type: ignore[arg-type]


def test_seed_reply_body(seed_path: Path) -> None:
    reply = make_reply(
        doc_id="seed",
        body=seed_path.read_text(encoding="utf-8"),
        issuer="焦作市工业和信息化局",
        proposal_title="关于支持在中心城区设立高端制造业开发园区的提案",
    )
    chunks = chunk_reply(reply)
    assert_well_formed(chunks, "seed", 400)
    joined = "\n".join(c.passage for c in chunks)
    for gone in ("签发人", "办理结果", "联系电话", "抄送", "7月26日印发", "再次感谢", "李秀萍委员"):
        assert gone not in joined
    assert "专精特新" in joined and "焦政〔2018〕7号" in joined
    assert chunks[0].passage.startswith("一、工作基本情况")


def tipdm_replies(path: Path) -> list[Reply]:
    rows = openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
    header = next(rows)
    col = {name: header.index(name) for name in ("留言编号", "留言主题", "答复意见")}
    return [
        Reply(
            doc_id=str(r[col["留言编号"]]),
            kind="message_reply",
            title=str(r[col["留言主题"]]),
            body=str(r[col["答复意见"]] or ""),
            source=Source("附件4.xlsx", n),
        )
        for n, r in enumerate(rows, start=2)
    ]


def test_all_tipdm_replies(tipdm4_path: Path) -> None:
    replies = tipdm_replies(tipdm4_path)
    assert len(replies) == 2816
    chunks = [c for r in replies for c in chunk_reply(r)]
    # Measured: 4,024 passages, mean 228 chars (median reply 271 chars; 1.0 M chars in all).
    assert 3_000 <= len(chunks) <= 6_000
    assert 150 <= sum(len(c.passage) for c in chunks) / len(chunks) <= 400
    assert all(c.passage.strip() and len(c.passage) <= 400 for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    per_doc = Counter(c.doc_id for c in chunks)
    empty = [r for r in replies if r.doc_id not in per_doc]
    assert 30 <= len(empty) <= 150  # the boilerplate-only replies
    assert not any("留言已收悉" in r.body and len(r.body) > 200 for r in empty)


def test_message_reply_is_chunked_by_its_body_not_its_measure_sentences() -> None:
    from index.reply import Measure, Reply, Source

    body = (
        "网友：您好！留言收悉。经核查，该路段路灯线路老化，夜间多处熄灭，周边居民出行不便。"
        "我局已责令维护单位更换线路。下一步将加强日常巡查。感谢您对我们工作的关心和支持。"
    )
    reply = Reply(
        doc_id="m1",
        kind="message_reply",
        title="某路段路灯不亮",
        body=body,
        source=Source("t.csv", 2),
        measures=(
            Measure("更换线路", "我局已责令维护单位更换线路。", "done"),
            Measure("加强巡查", "下一步将加强日常巡查。", "planned"),
        ),
    )
    passages = "".join(c.passage for c in chunk_reply(reply))
    assert "线路老化" in passages and "更换线路" in passages and "加强日常巡查" in passages
    assert "感谢您对我们工作的关心" not in passages
