"""One validator behind every door: what SearchRequest and Filters accept and refuse."""

from __future__ import annotations

import pytest

from search import MAX_K, Filters, QueryError, SearchRequest
from search.errors import MESSAGES
from search.request import parse_date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2021", "2021-01-01", "2021-12-31"),
        ("2020-2", "2020-02-01", "2020-02-29"),
        ("2021/03/05", "2021-03-05", "2021-03-05"),
        ("2021年3月", "2021-03-01", "2021-03-31"),
        ("2021年3月5日", "2021-03-05", "2021-03-05"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_parse_date_accepts_what_staff_type(text: str, start: str | None, end: str | None) -> None:
    assert parse_date(text) == start
    assert parse_date(text, end=True) == end


@pytest.mark.parametrize("text", ["2021-13", "2021-02-30", "2021-13-45", "昨天", "21-3-5", 2021])
def test_parse_date_rejects_with_an_example(text: object) -> None:
    with pytest.raises(QueryError, match="2021") as caught:
        parse_date(text)
    assert caught.value.code in {"bad_date", "bad_month", "bad_day"}


def test_filters_parse_maps_form_values() -> None:
    f = Filters.parse("2021", "2022-06", " 工信局 ", ["message_reply"], ["A", "B"])
    assert f == Filters("2021-01-01", "2022-06-30", "工信局", ("message_reply",), ("A", "B"))
    assert Filters.parse().is_empty()


def test_one_string_is_one_kind_not_its_letters() -> None:
    assert Filters.parse(kinds="proposal_reply").kinds == ("proposal_reply",)
    assert Filters.parse(grades="A,B").grades == ("A", "B")


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"date_from": "2023", "date_to": "2021"}, "date_order"),
        ({"kinds": ["letters"]}, "bad_kind"),
        ({"grades": ["D"]}, "bad_grade"),
        ({"issuer": {"a": 1}}, "bad_issuer"),
        ({"kinds": {"a": 1}}, "bad_kind"),
    ],
)
def test_filters_refuse_impossible_values_in_chinese(values: dict[str, object], code: str) -> None:
    with pytest.raises(QueryError) as caught:
        Filters.parse(**values)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))


def test_strict_filters_refuse_what_parse_would_have_fixed() -> None:
    with pytest.raises(QueryError, match="无法识别"):
        Filters(date_from="2021")
    with pytest.raises(QueryError, match="2021-13-45"):
        Filters(date_from="2021-13-45")


def test_request_parse_accepts_labels_and_float_k() -> None:
    request = SearchRequest.parse("停车难", 12.0, "关键词", kinds="message_reply")
    assert (request.k, request.mode, request.filters.kinds) == (12, "keyword", ("message_reply",))
    assert SearchRequest.parse("停车难", None, None).mode == "hybrid"


@pytest.mark.parametrize(
    ("query", "k", "mode", "code"),
    [
        ("", 10, "hybrid", "empty_query"),
        ("   ", 10, "hybrid", "empty_query"),
        (None, 10, "hybrid", "query_not_text"),
        ("停车", 0, "hybrid", "bad_k"),
        ("停车", MAX_K + 1, "hybrid", "bad_k"),
        ("停车", 2.5, "hybrid", "bad_k"),
        ("停车", True, "hybrid", "bad_k"),
        ("停车", 10, "fuzzy", "bad_mode"),
    ],
)
def test_request_refuses_bad_input_with_a_code(
    query: object, k: object, mode: object, code: str
) -> None:
    with pytest.raises(QueryError) as caught:
        SearchRequest.parse(query, k, mode)
    assert caught.value.code == code


def test_every_message_code_formats() -> None:
    with pytest.raises(KeyError, match=r"search\.errors"):
        QueryError("no_such_code")
    assert all(isinstance(m, str) and m for m in MESSAGES.values())
