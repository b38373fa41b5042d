"""Recurring topics: deterministic on a fake index, named by terms, trends, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.store import open_index
from search import Filters
from search.__main__ import main
from search.topics import MAX_K, MIN_K, TopicModel, _previous_window, choose_k


@pytest.fixture(scope="module")
def model(fake_index: Path) -> TopicModel:
    return TopicModel(open_index(fake_index))


def _window(model: TopicModel) -> tuple[str, str]:
    dates = sorted(r.date for r in model.replies if r.date)
    return dates[0], dates[-1]


def test_topics_are_deterministic(fake_index: Path, model: TopicModel) -> None:
    start, stop = _window(model)
    first = model.topics(start, stop)
    again = TopicModel(open_index(fake_index)).topics(start, stop)
    assert first == again
    assert first.records == sum(1 for r in model.replies if r.date)
    assert first.topics, "the bundled corpus has enough dated records for a topic"


def test_each_record_is_in_one_topic_or_the_rest(model: TopicModel) -> None:
    report = model.topics(*_window(model))
    ids = [d for t in report.topics for d in t.doc_ids]
    assert len(ids) == len(set(ids))
    assert len(ids) + report.others == report.records
    for topic in report.topics:
        assert topic.size == len(topic.doc_ids)
        assert topic.terms and all(len(t) >= 2 for t in topic.terms)
        assert topic.titles[0] == model.replies[_position(model, topic.doc_ids[0])].title
        assert 0.0 <= topic.done_share <= 1.0


def _position(model: TopicModel, doc_id: str) -> int:
    return next(i for i, r in enumerate(model.replies) if r.doc_id == doc_id)


def test_filters_narrow_the_window(model: TopicModel) -> None:
    start, stop = _window(model)
    kinds = Filters.parse(kinds=["message_reply"])
    report = model.topics(start, stop, kinds)
    kept = {d for t in report.topics for d in t.doc_ids}
    assert all(model.replies[_position(model, d)].kind == "message_reply" for d in kept)
    assert report.records == sum(
        1 for r in model.replies if r.date and r.kind == "message_reply" and start <= r.date
    )


def test_an_empty_window_has_no_topics(model: TopicModel) -> None:
    report = model.topics("1990-01-01", "1990-12-31")
    assert report.records == 0 and report.topics == ()


def test_k_rule() -> None:
    assert choose_k(924) == 23
    assert choose_k(10_000) == MAX_K
    assert choose_k(30) == MIN_K
    assert choose_k(4) == 1


def test_previous_window_has_the_same_length() -> None:
    assert _previous_window("2019-01-01", "2019-12-31") == ("2018-01-01", "2018-12-31")
    assert _previous_window("2020-03-01", "2020-03-31") == ("2020-01-30", "2020-02-29")


def test_cli_prints_topics(fake_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["topics", "--index", str(fake_index), "--from", "2000", "--to", "2030"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["date_from"] == "2000-01-01" and report["date_to"] == "2030-12-31"
    assert report["topics"] and report["topics"][0]["query"]
    assert main(args) == 0
    assert "个话题" in capsys.readouterr().out


def test_cli_refuses_a_bad_date(fake_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "--index", str(fake_index), "--from", "2019-13", "--to", "2020"]) == 2
    assert capsys.readouterr().err.startswith("error:")
