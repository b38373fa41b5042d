"""Round-3 rules of the measure extractor (issue 10), pinned on real dev sentences."""

from __future__ import annotations

import pytest

from index.measure_rules import is_lead_in
from index.measures import extract_measures


@pytest.mark.parametrize(
    "text",
    [
        "如华汇公司未能在要求期限内完成清退工作",  # a condition before 我局将上报…
        "M5市委、市政府为贯彻落实《中共中央国务院关于加强青少年体育增强青少年体质的意见》精神",
        "对A000112959网友发的“退休干部独生子女补贴”一事",  # the topic of the act after it
        "我局将在下步工作中",
        "市商务综合执法支队定于8月1日前",  # the date of 将联合…实施打击
    ],
)
def test_conditions_purposes_and_topics_are_lead_ins(text: str) -> None:
    assert is_lead_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "如我县每年毕业的定向免费培养师范生分配在农村学校任教",  # 如 gives an example
        "我局将加大监管执法力度",
        "为在校中小学生免费体检",
    ],
)
def test_acts_are_not_lead_ins(text: str) -> None:
    assert not is_lead_in(text)


def test_a_condition_joins_the_measure_it_frames() -> None:
    body = (
        "我局已责令华汇公司在11月底前完成费用清退工作。"
        "如华汇公司未能在要求期限内完成清退工作，我局将按规定上报该公司的市场不良行为。"
    )
    texts = [m.text for m in extract_measures(body, kind="message_reply")]
    assert "如华汇公司未能在要求期限内完成清退工作，我局将按规定上报该公司的市场不良行为" in texts
