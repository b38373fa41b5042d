"""Recurring topics: the cohesion rule, names, question-side features, determinism, the CLI.

The fake embedder's vectors have no topical structure, so the tests that need topics out of
the fake index loosen the cohesion rule (``loose``); the rule itself is tested on vectors
made for it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.store import open_index
from search import Filters
from search import topics as topics_module
from search.__main__ import main
from search.topic_features import (
    MAX_TERM_SHARE,
    STOP_TERMS,
    place_fragments,
    post_ids,
    topic_features,
)
from search.topics import (
    MAX_K,
    MERGE_COSINE,
    MIN_COHESION,
    MIN_K,
    MIN_TOPIC,
    TopicModel,
    _distinct,
    _previous_window,
    choose_k,
    cohesion,
    cohesive_groups,
    merge_close,
)


@pytest.fixture(scope="module")
def model(fake_index: Path) -> TopicModel:
    return TopicModel(open_index(fake_index))


@pytest.fixture
def loose(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every group of three or more a topic: the fake vectors have no topics to find."""
    monkeypatch.setattr(topics_module, "MIN_COHESION", -1.0)
    monkeypatch.setattr(topics_module, "MIN_MEMBER_COSINE", -1.0)
    monkeypatch.setattr(topics_module, "MIN_TOPIC", 3)


def _window(model: TopicModel) -> tuple[str, str]:
    dates = sorted(r.date for r in model.replies if r.date)
    return dates[0], dates[-1]


@pytest.mark.usefixtures("loose")
def test_topics_are_deterministic(fake_index: Path, model: TopicModel) -> None:
    start, stop = _window(model)
    first = model.topics(start, stop)
    again = TopicModel(open_index(fake_index)).topics(start, stop)
    assert first == again
    assert first.records == sum(1 for r in model.replies if r.date)
    assert first.topics, "the bundled corpus has enough dated records for a topic"


@pytest.mark.usefixtures("loose")
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


@pytest.mark.usefixtures("loose")
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
    assert choose_k(924) == 62
    assert choose_k(10_000) == MAX_K
    assert choose_k(20) == MIN_K
    assert choose_k(4) == 1


def test_previous_window_has_the_same_length() -> None:
    assert _previous_window("2019-01-01", "2019-12-31") == ("2018-01-01", "2018-12-31")
    assert _previous_window("2020-03-01", "2020-03-31") == ("2020-01-30", "2020-02-29")


@pytest.mark.usefixtures("loose")
def test_cli_prints_topics(fake_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["topics", "--index", str(fake_index), "--from", "2000", "--to", "2030"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["date_from"] == "2000-01-01" and report["date_to"] == "2030-12-31"
    assert report["topics"] and report["topics"][0]["query"]
    assert main(args) == 0
    assert "个话题" in capsys.readouterr().out


def test_strict_rule_sends_the_fake_index_to_others(
    fake_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Vectors without topical structure make no topic: every record is 「其他（未成主题）」."""
    assert main(["topics", "--index", str(fake_index), "--from", "2000", "--to", "2030"]) == 0
    out = capsys.readouterr().out
    assert "0 个话题" in out and "其他（未成主题）" in out


def _blob(rng: np.random.Generator, axis: int, n: int, spread: float) -> np.ndarray:
    points = np.zeros((n, 16), dtype=np.float32)
    points[:, axis] = 1.0
    points += rng.normal(0, spread, size=points.shape).astype(np.float32)
    return points


def _unit(points: np.ndarray) -> np.ndarray:
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_tight_groups_become_topics_and_scatter_does_not() -> None:
    rng = np.random.default_rng(0)
    tight = [_blob(rng, 0, 8, 0.15), _blob(rng, 1, 8, 0.15)]
    scatter = rng.normal(size=(12, 16)).astype(np.float32)
    vectors = _unit(np.vstack([*tight, scatter]))
    groups = cohesive_groups(vectors, np.arange(len(vectors)), 6)
    kept = sorted(sorted(int(i) for i in g) for g in groups)
    assert kept == [list(range(8)), list(range(8, 16))]
    assert all(cohesion(vectors[g]) >= MIN_COHESION for g in groups)


def test_a_far_member_leaves_its_group() -> None:
    rng = np.random.default_rng(1)
    group = _blob(rng, 0, 9, 0.1)
    stray = np.zeros((1, 16), dtype=np.float32)
    stray[0, 0], stray[0, 5] = 0.3, 1.0  # nearest this group, but far from its centre
    vectors = _unit(np.vstack([group, stray]))
    (kept,) = cohesive_groups(vectors, np.arange(10), 1)
    assert sorted(int(i) for i in kept) == list(range(9))


def test_a_group_too_small_after_trimming_is_no_topic() -> None:
    rng = np.random.default_rng(2)
    vectors = _unit(_blob(rng, 0, MIN_TOPIC - 1, 0.05))
    assert cohesive_groups(vectors, np.arange(len(vectors)), 1) == []


def test_cohesion_is_the_mean_pairwise_cosine() -> None:
    vectors = _unit(np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
    pairs = [float(vectors[i] @ vectors[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    assert cohesion(vectors) == pytest.approx(sum(pairs) / 3)
    assert cohesion(vectors[:1]) == 1.0


def test_features_come_from_the_question_and_are_centred(fake_index: Path) -> None:
    index = open_index(fake_index)
    features = topic_features(index)
    present = np.linalg.norm(features.vectors, axis=1) > 0
    assert np.allclose(np.linalg.norm(features.vectors[present], axis=1), 1.0, atol=1e-5)
    assert np.linalg.norm(features.vectors[present].mean(axis=0)) < 0.5
    asked = {c.doc_id for c in index.chunks if c.field == "question"}
    assert asked, "the bundled corpus has records with a question"
    used = np.flatnonzero(np.asarray(features.terms.sum(axis=0)).ravel())
    names = {features.vocab[i] for i in used}
    assert names and not names & STOP_TERMS
    assert all(
        features.share[i] <= MAX_TERM_SHARE or features.share[i] * len(index.replies) <= 20
        for i in used
    )
    # A record with a question is described by its question's words only.
    position = {r.doc_id: i for i, r in enumerate(index.replies)}
    for doc_id in sorted(asked)[:5]:
        row = features.terms[position[doc_id]]
        question = "".join(
            c.text for c in index.chunks if c.doc_id == doc_id and c.field == "question"
        )
        assert all(features.vocab[i] in question for i in row.indices)


@pytest.mark.usefixtures("loose")
def test_names_take_terms_most_posts_share_and_members_have_them(model: TopicModel) -> None:
    report = model.topics(*_window(model))
    assert report.topics
    position = {r.doc_id: i for i, r in enumerate(model.replies)}
    for topic in report.topics:
        rows = np.array([position[d] for d in topic.doc_ids])
        posts = len(set(model.posts[rows].tolist()))
        columns = [model.vocab.index(term) for term in topic.terms]
        for column in columns:
            have = len(set(model.posts[rows[model.terms[rows, column].toarray().ravel() > 0]]))
            assert have >= max(2, topics_module.MIN_TERM_COVERAGE * posts)
        leading = model.terms[rows][:, columns[: topics_module.KEEP_TERMS]]
        assert (np.asarray(leading.sum(axis=1)).ravel() > 0).all()


@pytest.mark.usefixtures("loose")
def test_the_tightest_topics_come_first(model: TopicModel) -> None:
    report = model.topics(*_window(model))
    position = {r.doc_id: i for i, r in enumerate(model.replies)}
    tightness = []
    for topic in report.topics:
        one: dict[int, int] = {}  # per post its first row, as the rule takes it
        for row in sorted(position[d] for d in topic.doc_ids):
            one.setdefault(int(model.posts[row]), row)
        tightness.append(cohesion(model.vectors[sorted(one.values())]))
    assert len(tightness) >= 2 and tightness == sorted(tightness, reverse=True)


def test_cli_refuses_a_bad_date(fake_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "--index", str(fake_index), "--from", "2019-13", "--to", "2020"]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_names_drop_the_pieces_of_a_compound() -> None:
    assert _distinct([("自来水", 10), ("自来", 10), ("用水", 6)]) == ("自来水", "用水")
    assert _distinct([("乱收", 10), ("乱收费", 9), ("司机", 5)]) == ("乱收费", "司机")
    assert _distinct([("公交", 10), ("公交线路", 3)]) == ("公交",)
    many = [(f"词{i}", 5) for i in range(10)]
    assert len(_distinct(many)) == topics_module.TERMS_PER_TOPIC


def test_close_topics_are_merged_and_far_ones_kept_apart() -> None:
    rng = np.random.default_rng(3)
    same = _unit(_blob(rng, 0, 12, 0.1))
    other = _unit(_blob(rng, 1, 6, 0.1))
    vectors = np.vstack([same, other])
    groups = [np.arange(0, 6), np.arange(6, 12), np.arange(12, 18)]
    merged = merge_close(vectors, groups)
    assert [sorted(int(i) for i in g) for g in merged] == [list(range(12)), list(range(12, 18))]
    assert float(_unit(same[:6].mean(axis=0, keepdims=True))[0] @ other[0]) < MERGE_COSINE


def test_reposts_count_once_for_the_size_rule() -> None:
    rng = np.random.default_rng(4)
    vectors = _unit(_blob(rng, 0, MIN_TOPIC + 1, 0.05))
    window = np.arange(len(vectors))
    assert len(cohesive_groups(vectors, window, 1)) == 1
    posts = window.copy()
    posts[1] = posts[2] = 0  # three posts of one complaint
    assert cohesive_groups(vectors, window, 1, posts) == []


def test_same_titles_and_duplicate_groups_share_a_post(fake_index: Path) -> None:
    index = open_index(fake_index)
    ids = post_ids(index)
    position = {r.doc_id: i for i, r in enumerate(index.replies)}
    for group in index.duplicates:
        assert len({int(ids[position[d]]) for d in group}) == 1
    by_title: dict[str, set[int]] = {}
    for reply, post in zip(index.replies, ids, strict=True):
        by_title.setdefault(reply.title.replace(" ", ""), set()).add(int(post))
    assert all(len(posts) == 1 for posts in by_title.values())
    assert len(set(ids.tolist())) <= len(index.replies)


def test_place_fragments_are_the_words_before_place_suffixes() -> None:
    titles = ["投诉K3县爱琴名城小区噪音扰民", "爱琴名城小区物业乱收费", "爱琴名城小区停水",
              "K7县五一桥村道路硬化", "五一桥村饮水难", "噪音扰民严重"]  # fmt: skip
    vocab = {"名城", "噪音", "扰民", "一桥", "五一桥", "道路", "硬化", "饮水"}
    assert place_fragments(titles, vocab) == {"名城", "一桥", "五一桥"}
