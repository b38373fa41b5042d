from __future__ import annotations

import pytest

from index.docnum import (
    doc_number_spans,
    find_doc_numbers,
    normalize_doc_number,
    same_doc_number,
    split_lead,
)


@pytest.mark.parametrize(
    "written",
    [
        "焦政〔2018〕7号",
        "焦政[2018]7号",
        "焦政（2018）7号",
        "焦政【2018】07号",
        "焦政［2018］ 7 号",
    ],
)
def test_every_bracket_style_normalises_to_one_form(written: str) -> None:
    assert find_doc_numbers(written) == ["焦政〔2018〕7号"]
    assert normalize_doc_number(written) == "焦政〔2018〕7号"


def test_leading_verbs_are_not_part_of_the_number() -> None:
    assert split_lead("印发焦政") == ("印发", "焦政")
    assert split_lead("焦工信") == ("", "焦工信")
    text = "市政府印发了焦政[2018]7号，并根据豫政办（2020）15号执行"
    assert find_doc_numbers(text) == ["焦政〔2018〕7号", "豫政办〔2020〕15号"]
    assert normalize_doc_number("印发焦政[2018]7号") == "印发焦政〔2018〕7号"


def test_spans_cover_the_number_only_in_any_style() -> None:
    text = "市政府印发焦政[2018]7号文件"
    assert [text[a:b] for a, b in doc_number_spans(text, {"焦政〔2018〕7号"})] == ["焦政[2018]7号"]
    assert doc_number_spans(text, {"焦政〔2019〕7号"}) == []


def test_same_document_tolerates_unknown_leading_words() -> None:
    assert same_doc_number("府焦政〔2018〕7号", "焦政〔2018〕7号")
    assert not same_doc_number("焦政〔2018〕7号", "焦政〔2018〕17号")
