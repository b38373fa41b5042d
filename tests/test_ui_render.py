"""Rendering, form parsing, handlers and the app factory, against a fake searcher."""

from __future__ import annotations

import os
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from app.handlers import FORM_FIELDS, Handlers, choices
from app.render import highlight, multiline, render_card, render_hits, render_reply
from search import Filters, QueryError, SearchRequest
from tests.ui_fakes import FakeSearcher, hit_for, make_reply
from ui import build_app


def _no_raw_script(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<b>" not in html


# -- highlight ------------------------------------------------------------------------------


def test_highlight_wraps_spans_by_offsets_into_the_raw_text() -> None:
    assert highlight("a<b>c专精特新", [(5, 9)]) == "a&lt;b&gt;c<mark>专精特新</mark>"


def test_highlight_escapes_inside_marks_and_keeps_offsets_exact() -> None:
    text = "<i>园区</i>"
    assert highlight(text, [(0, 5)]) == "<mark>&lt;i&gt;园区</mark>&lt;/i&gt;"


def test_highlight_merges_overlaps_and_clips_out_of_range_spans() -> None:
    out = highlight("abcdef", [(4, 99), (1, 3), (2, 4), (-5, 0), (6, 9)])
    assert out == "a<mark>bcdef</mark>"


def test_highlight_without_spans_is_plain_escape() -> None:
    assert highlight('x"&y', []) == "x&quot;&amp;y"


def test_multiline_keeps_line_breaks_and_escapes() -> None:
    assert multiline("a<\r\nb\nc") == "a&lt;<br>b<br>c"


# -- cards and reply view ---------------------------------------------------------------------


def test_card_shows_facts_passage_marks_duplicates_and_measures() -> None:
    s = FakeSearcher()
    html = render_card(s.search("园区")[0])
    assert "关于在中心城区建设高端制造业园区的提案的答复" in html
    for text in (
        "青岚市工业和信息化局",
        "2023-06-12",
        "岚工信〔2023〕18号",
        "办理结果 A",
        "政协提案答复",
    ):
        assert text in html
    assert "<mark>中心城区高端制造业</mark>园区" in html  # adjacent spans merge
    assert "1 条相似答复已合并" in html
    assert "已落实（1）" in html and "下一步计划（1）" in html
    assert "《青岚市专精特新中小企业梯度培育实施方案》（岚政办〔2022〕23号）" in html
    assert 'data-open="r1"' in html


def test_hostile_document_text_is_escaped_everywhere() -> None:
    s = FakeSearcher()
    cards = render_hits(s.search("x"))
    reply = render_reply(s.reply("r2"))
    for html in (cards, reply):
        _no_raw_script(html)
        assert "&lt;script&gt;alert(&quot;先例&quot;)&lt;/script&gt;" in html


def test_doc_id_cannot_break_out_of_its_attribute() -> None:
    hostile = make_reply('x" onclick="alert(1)', "t", "b")
    html = render_card(hit_for(hostile, 1))
    assert 'data-open="x&quot; onclick=&quot;alert(1)"' in html


def test_no_hits_gives_an_empty_state_message() -> None:
    assert "没有找到相符的答复" in render_hits([])


def test_reply_view_lists_fields_measures_and_body_lines() -> None:
    reply = make_reply(
        "r",
        "标题",
        "第一行\n第二行",
        session="十二届二次会议",
        cc=("市政府办公室",),
        co_handlers=("市财政局", "市科技局"),
        contact_person="王敏",
    )
    html = render_reply(reply)
    for label, value in (
        ("文号", "岚工信〔2023〕18号"),
        ("签发人", "郑立衡"),
        ("会议", "十二届二次会议"),
        ("会办单位", "市财政局、市科技局"),
        ("抄送", "市政府办公室"),
        ("联系人", "王敏"),
    ):
        assert f"<th>{label}</th><td>{value}</td>" in html
    assert "第一行<br>第二行" in html
    assert "已落实（1）" in html
    assert "<th>提出人</th>" not in html  # empty fields are left out


# -- form parsing -----------------------------------------------------------------------------


def test_search_handler_passes_form_values_to_the_searcher(tmp_path: Path) -> None:
    s = FakeSearcher()
    form = dict(
        zip(FORM_FIELDS, ("园区", 20, "关键词", "2021", "", "工信局", [], ["A"]), strict=True)
    )
    out = Handlers(s, export_dir=tmp_path).search(**form)
    filters = Filters("2021-01-01", None, "工信局", (), ("A",))
    assert s.calls == [SearchRequest("园区", 20, "keyword", filters)]
    assert len(out.hits) == 3 and out.error is None
    assert "找到 3 件相关答复" in out.status and out.cards.count('class="xl-card"') == 3


@pytest.mark.parametrize(
    ("query", "date_from", "expected"), [("  ", "", "请输入"), ("园区", "昨天", "无法识别")]
)
def test_search_handler_turns_query_errors_into_notices(
    tmp_path: Path, query: str, date_from: str, expected: str
) -> None:
    handlers = Handlers(FakeSearcher(), export_dir=tmp_path)
    out = handlers.search(query=query, k=10, mode="hybrid", date_from=date_from)
    assert out.hits == () and out.cards == ""
    assert expected in (out.error or "") and "xl-warn" in out.status


def test_search_handler_empty_state(tmp_path: Path) -> None:
    out = Handlers(FakeSearcher(), export_dir=tmp_path).search(query="无结果")
    assert "没有找到相符的答复" in out.cards and out.error is None


def test_reply_and_similar_handlers(tmp_path: Path) -> None:
    h = Handlers(FakeSearcher(), export_dir=tmp_path)
    assert "从上方选择" in h.reply(None)
    assert "没有编号为 nope" in h.reply("nope")
    similar = h.similar("r1")
    assert [x.doc_id for x in similar.hits] == ["r2", "r3"]
    assert "相似的 2 件答复" in similar.cards
    assert h.similar(None).error


def test_exports_land_in_separate_files(tmp_path: Path) -> None:
    s = FakeSearcher()
    h = Handlers(s, export_dir=tmp_path)
    hits = s.search("园区")
    paths = [
        h.export_table(hits, "xlsx"),
        h.export_table(hits, "csv"),
        h.export_outline("园区", hits, ["r2"]),
    ]
    assert [p.suffix for p in paths] == [".xlsx", ".csv", ".docx"]
    assert len({p.parent for p in paths}) == 3 and all(p.is_file() for p in paths)
    with pytest.raises(QueryError, match="请先检索"):
        h.export_table((), "csv")


def test_old_exports_are_pruned(tmp_path: Path) -> None:
    s = FakeSearcher()
    h = Handlers(s, export_dir=tmp_path)
    old = h.export_table(s.search("园区"), "csv").parent
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    fresh = h.export_table(s.search("园区"), "csv")
    assert not old.exists() and fresh.is_file()


def test_choices_label_results_by_rank() -> None:
    assert choices(FakeSearcher().search("x"))[0] == (
        "1. 关于在中心城区建设高端制造业园区的提案的答复",
        "r1",
    )


# -- the app factory --------------------------------------------------------------------------


def _api_fn(demo: gr.Blocks, name: str) -> Any:
    return next(f for f in demo.fns.values() if f.api_name == name)


def test_build_app_exposes_only_the_search_apis() -> None:
    demo = build_app(FakeSearcher(), subtitle="3 件答复 <b>x</b>")
    public = [f.api_name for f in demo.fns.values() if f.api_visibility == "public"]
    assert public == ["search", "search_overview"]
    config = str(demo.get_config_file())
    assert "先例 · 答复先例检索" in config and "3 件答复 &lt;b&gt;x&lt;/b&gt;" in config


def test_search_api_returns_json_hits_and_clear_errors() -> None:
    fn = _api_fn(build_app(FakeSearcher()), "search").fn
    hits = fn("园区", 2, "关键词", "", "", "", ["proposal_reply"], None)
    assert [h["doc_id"] for h in hits] == ["r1", "r2"]
    assert list(hits[0]["passages"][0]["highlights"]) == [(0, 4), (4, 9)]
    with pytest.raises(gr.Error, match="请输入"):
        fn("", 10, "hybrid")
    with pytest.raises(gr.Error, match="无法识别"):
        fn("园区", 10, "hybrid", "someday")


def test_search_api_schema_has_typed_parameters() -> None:
    info = build_app(FakeSearcher()).get_api_info()
    endpoint = info["named_endpoints"]["/search"]
    names = [p["parameter_name"] for p in endpoint["parameters"]]
    assert names == ["query", "k", "mode", "date_from", "date_to", "issuer", "kinds", "grades"]
    assert endpoint["parameters"][1]["python_type"]["type"] == "int"
    assert re.search("list", endpoint["returns"][0]["python_type"]["type"])


def test_card_says_which_field_matched() -> None:
    s = FakeSearcher()
    hit = s.search("园区")[0]
    asked = replace(hit.passages[0], field="question")
    html = render_card(replace(hit, passages=(asked, hit.passages[0])))
    assert html.index("命中诉求原文") < html.index("命中答复")
    assert 'class="xl-passage xl-question"' in html
