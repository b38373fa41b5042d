"""The framing of a typed question is cut; its topic and its wish for measures stay."""

from __future__ import annotations

import pytest

from search.intent import MAX_FRAMED_CHARS, read_intent


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "网友反映小区对面工地晚上通宵施工，以往这类投诉是怎么答复的？",
            "小区对面工地晚上通宵施工",
        ),
        ("之前有没有人投诉开发商强迫买车位？当时怎么处理的", "开发商强迫买车位"),
        ("请问养老保险断缴能不能补缴", "养老保险断缴，补缴"),
        ("路灯坏了没人修，有没有回复过", "路灯坏了没人修"),
        # 过去 after 不/得 is a verb's complement, not "in the past"
        ("山上的村子自来水管接不过去，以往怎么答复的", "山上的村子自来水管接不过去"),
        ("对占道经营，城管一般采取哪些措施", "对占道经营，城管"),
        ("小区停车位不够，下一步怎么安排的", "小区停车位不够"),
        # the 的 of 的士 is the topic's, not a remnant of the framing
        ("的士不打表乱加价，以往怎么处理的？", "的士不打表乱加价"),
        ("以往的占道经营投诉怎么处理的", "占道经营投诉"),
    ],
)
def test_framing_is_cut_and_the_topic_kept(question: str, topic: str) -> None:
    intent = read_intent(question)
    assert intent.topic == topic and intent.framed


@pytest.mark.parametrize(
    "question",
    [
        "对违规补课我们采取过哪些查处措施？",
        "渣土车夜间扰民，下一步有什么计划",
        "垃圾站臭味怎么整改",
    ],
)
def test_questions_about_measures_are_recognised(question: str) -> None:
    assert read_intent(question).wants_measures


def test_plain_keywords_pass_through() -> None:
    intent = read_intent("加装电梯 补贴")
    assert intent.topic == "加装电梯 补贴" and not intent.framed and not intent.wants_measures


def test_a_question_that_is_all_framing_is_kept_whole() -> None:
    assert read_intent("以往是怎么答复的？").topic == "以往是怎么答复的？"


def test_a_pasted_message_is_all_topic() -> None:
    message = "我家小区以往是怎么处理停车的？" * (MAX_FRAMED_CHARS // 10)
    assert read_intent(message).topic == message
