"""The overview on the page: chart data, sentences for 0/1 match, the recurrence line, the
narrowing a chart selection makes, the topics tab's handler and the export's 概览 sheet."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from app.charts import (
    chart_frame,
    grade_choices,
    kind_choices,
    narrowing,
    recurrence_line,
    render_topics,
    too_few_sentence,
    topic_choices,
)
from app.handlers import Handlers
from app.overview import search_updates
from index.reply import GRADE_LABELS
from search import QueryError
from search.counts import UNSTATED, OverviewCounts, count_records
from tests.ui_fakes import FAKE_FACETS, SCRIPT, FakeSearcher, make_reply

# search_updates reads only the issuer list of the page's overview
VIEW = SimpleNamespace(issuers=FAKE_FACETS.issuers)
PASTED = "我们小区楼下的商铺每天夜里营业到凌晨两三点，噪音和油烟严重影响居民休息，" * 2


def _counts(n: int, issuer: str | None = "青岚市生态环境局") -> OverviewCounts:
    replies = [
        make_reply(
            f"d{i}", f"答复{i}", "正文", date=f"{2017 + i % 4}-05-0{1 + i % 5}", issuer=issuer
        )
        for i in range(n)
    ]
    return count_records(replies)


def test_no_match_and_one_match_give_a_sentence_not_a_chart() -> None:
    assert too_few_sentence(count_records([])) == "没有相符的答复，暂无统计图。"
    one = too_few_sentence(_counts(1))
    assert one is not None and one.startswith("只有 1 件相符的答复")
    assert "2017-05-01" in one and "青岚市生态环境局" in one
    assert too_few_sentence(_counts(2)) is None


def test_search_updates_hide_the_charts_for_one_match() -> None:
    handlers = Handlers(FakeSearcher())
    outcome = handlers.search(query="园区", k=1)
    _, note, *plots, _, _, _, _ = search_updates(outcome, VIEW)
    assert "只有 1 件相符的答复" in note
    assert all(p.visible is False for p in plots)
    outcome = handlers.search(query="园区", k=3)
    _, note, *plots, _, issuers, _, grades = search_updates(outcome, VIEW)
    assert issuers.choices[0] == ("（不限）", "")
    assert ("青岚市工业和信息化局（3）", "青岚市工业和信息化局") in issuers.choices
    assert ("青岚市住房和城乡建设局（0）", "青岚市住房和城乡建设局") in issuers.choices
    assert "相关度不低于首条一半的 3 件答复" in note and all(p.visible for p in plots)
    assert next(label for label, _ in grades.choices) == f"{GRADE_LABELS['A']}（3）"


def test_chart_frames_hold_the_counts() -> None:
    counts = _counts(8)
    frame = chart_frame(counts, "period")
    assert list(frame.columns) == ["时间", "件数"]
    assert frame["件数"].sum() == 8
    assert list(frame["时间"]) == ["2017", "2018", "2019", "2020"]
    assert chart_frame(counts, "issuer").iloc[0].tolist() == ["青岚市生态环境局", 8]
    assert chart_frame(counts, "grade").iloc[0].tolist() == ["A", 8]


def test_recurrence_line_for_a_pasted_message() -> None:
    line = recurrence_line(_counts(8), PASTED)
    assert "类似问题出现过 8 次（2017–2020），多由青岚市生态环境局答复" in line
    assert line.count('class="xl-tick"') == 4
    assert recurrence_line(_counts(8), "噪音扰民") == ""  # a typed question: no line
    assert recurrence_line(_counts(1), PASTED) == ""
    assert "答复单位未注明" in recurrence_line(_counts(3, issuer=None), PASTED)


def test_recurrence_line_escapes_the_issuer() -> None:
    assert SCRIPT not in recurrence_line(_counts(3, issuer=SCRIPT), PASTED)


def test_a_selection_narrows_the_form() -> None:
    assert narrowing("period", ["2019", "2018"]) == {
        "date_from": "2018-01-01",
        "date_to": "2019-12-31",
    }
    assert narrowing("period", ["2020-02"]) == {"date_from": "2020-02-01", "date_to": "2020-02-29"}
    assert narrowing("issuer", ["青岚市生态环境局"]) == {"issuer": "青岚市生态环境局"}
    assert narrowing("grade", ["B", "A"]) == {"grades": ["A", "B"]}
    assert narrowing("issuer", [UNSTATED]) == {}


def test_filter_choices_carry_counts() -> None:
    counts = _counts(3)
    assert ("政协提案答复（3）", "proposal_reply") in kind_choices(counts)
    assert grade_choices(None) == [(label, grade) for grade, label in GRADE_LABELS.items()]


def test_topics_tab_renders_and_opens_a_topic() -> None:
    handlers = Handlers(FakeSearcher())
    report = handlers.topics("2019-01", "2019-12", issuer="", kinds=[], grades=[])
    assert report.date_from == "2019-01-01" and report.date_to == "2019-12-31"
    html = render_topics(report)
    assert "园区" in html and "较上期 +100%" in html and "已落实措施 50%" in html
    assert SCRIPT not in html
    assert topic_choices(report) == [("1. 园区 / 制造业 / 专精特新（2 件）", 0)]
    assert report.topics[0].query == "园区 制造业 专精特新"
    with pytest.raises(QueryError):
        handlers.topics("", "2019-12")


def test_xlsx_export_has_an_overview_sheet(tmp_path: Path) -> None:
    searcher = FakeSearcher()
    handlers = Handlers(searcher, export_dir=tmp_path)
    outcome = handlers.search(query="园区", k=3)
    report = handlers.topics("2019", "2019")
    path = handlers.export_table(outcome.hits, "xlsx", counts=outcome.counts, topics=report)
    book = load_workbook(path)
    assert book.sheetnames == ["检索结果", "概览"]
    rows = [[c for c in row if c is not None] for row in book["概览"].iter_rows(values_only=True)]
    assert rows[0][:2] == ["相关答复（得分不低于）", 3]
    assert ["政协提案答复", 2] in rows and ["有已落实措施", 2] in rows
    assert any(r and r[0] == "园区、制造业、专精特新" and r[1] == 2 for r in rows)
    plain = handlers.export_table(outcome.hits, "xlsx")
    assert load_workbook(plain).sheetnames == ["检索结果"]
