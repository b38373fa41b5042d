"""index.measures: boilerplate, amounts, policies and the measure rules."""

from __future__ import annotations

import pytest

from index.measures import (
    extract_amounts,
    extract_measures,
    extract_policies,
    is_boilerplate,
    split_sentences,
)
from index.reply import Policy, Section


@pytest.mark.parametrize(
    "sentence",
    [
        "网友：您好！",
        "网友：您好！留言已收悉",
        "您的留言已收悉。",
        "感谢您对我们工作的关心",
        "感谢您对我们工作的关心、支持与监督！",
        "在此，再次感谢您对我们工作的关心和指导，欢迎以后继续对我市工业企业发展给予关注、支持，"
        "一如既往地多提宝贵意见和建议。",
        "联系电话：3569411",
        "联系人：李志翔",
        "联系单位：焦作市工业和信息化局",
        "联 系 人：张三",
        "现将有关情况回复如下：",
        "如有疑问，请与我局办公室联系。",
        "祝您生活愉快！",
        "网友“UU008846”",
    ],
)
def test_boilerplate(sentence: str) -> None:
    assert is_boilerplate(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "下一步，我局将加强巡查",
        "已责令施工单位整改",
        "您反映的问题已收悉，经调查，该施工单位已被责令限期整改。",
        "市工信局支持实体经济发展，协助147家企业争取荣誉。",
        "",
    ],
)
def test_not_boilerplate(sentence: str) -> None:
    assert not is_boilerplate(sentence)


def test_split_sentences_uses_paragraph_spaces() -> None:
    text = "网友“UU1” 您好！现回复如下：经查，已整改。\n下一步将加强巡查"
    assert split_sentences(text) == [
        "网友“UU1”",
        "您好！",
        "现回复如下：",
        "经查，已整改。",
        "下一步将加强巡查",
    ]


def test_extract_amounts() -> None:
    text = (
        "完成212.5亿元、占全市41.6%，高于全省0.3个百分点，解放区-3.7%。协助147家企业争取38项，"
        "龙佰集团210亿，奖励1410万元，1-5月份，2022年，“356”产业，再次147家。"
    )
    assert extract_amounts(text) == (
        "212.5亿元",
        "41.6%",
        "0.3个百分点",
        "-3.7%",
        "147家",
        "38项",
        "210亿",
        "1410万元",
    )


def test_policies_with_doc_numbers_in_any_bracket() -> None:
    text = (
        "出台《关于支持制造业高质量发展的十条意见》（焦政[2018]7号）、"
        "《关于促进工业经济平稳健康发展的若干政策措施》(焦发（2020）17号)和"
        "《关于实施“添翼计划”加快企业梯次培育的意见》。"
    )
    assert extract_policies(text) == (
        Policy("关于支持制造业高质量发展的十条意见", "焦政〔2018〕7号"),
        Policy("关于促进工业经济平稳健康发展的若干政策措施", "焦发〔2020〕17号"),
        Policy("关于实施“添翼计划”加快企业梯次培育的意见", None),
    )


def test_policies_are_deduplicated_and_keep_a_later_doc_number() -> None:
    text = "依据《停车场管理办法》开展整治。《停车场管理办法》（焦政〔2020〕12号）规定……"
    assert extract_policies(text) == (Policy("停车场管理办法", "焦政〔2020〕12号"),)


def test_the_proposal_and_non_policies_are_not_policies() -> None:
    text = (
        "您提出的《关于加强城区停车管理的建议》收悉。第120号提案《关于设立开发园区的提案》。"
        "据《焦作日报》报道，依照《办法》和《中共中央关于制定第十四个五年规划的建议》执行，"
        "另见《关于园区建设的意见》。"
    )
    titles = [p.title for p in extract_policies(text, exclude_titles={"关于园区建设的意见"})]
    assert titles == ["中共中央关于制定第十四个五年规划的建议"]


def _sections() -> tuple[Section, ...]:
    return (
        Section("一、工作基本情况", "中心城区区位优势明显。", 1),
        Section("（一）明确产业发展定位", "编制了“四个图谱”，聚焦9个关键领域。", 2),
        Section(
            "（二）制定产业发展政策",
            "出台《关于支持制造业高质量发展的十条意见》（焦政〔2018〕7号），协助147家企业。",
            2,
        ),
        Section(
            "二、下步工作计划",
            "下一步我局将继续配合做好建设。一是进一步明确各城区产业定位。加快推动转型。"
            "二是加强城市产业集群配套建设。三是加大企业培育力度。\n在此，再次感谢您的关心。",
            1,
        ),
    )


def test_section_measures_and_items() -> None:
    measures = extract_measures(_sections(), "", kind="proposal_reply")
    assert [(m.title, m.stage) for m in measures] == [
        ("明确产业发展定位", "done"),
        ("制定产业发展政策", "done"),
        ("进一步明确各城区产业定位", "planned"),
        ("加强城市产业集群配套建设", "planned"),
        ("加大企业培育力度", "planned"),
    ]
    assert measures[1].policies == (
        Policy("关于支持制造业高质量发展的十条意见", "焦政〔2018〕7号"),
    )
    assert measures[1].amounts == ("147家",)
    assert measures[2].text == "一是进一步明确各城区产业定位。加快推动转型。"
    assert measures[4].text == "三是加大企业培育力度。"  # the last item stops at its paragraph


def test_background_leaf_is_not_a_measure() -> None:
    sections = (
        Section("一、基本情况", "该路段已于2019年建成。", 1),
        Section("二、加强管理", "已增设护栏。", 1),
    )
    assert [m.title for m in extract_measures(sections, "", kind="other")] == ["加强管理"]


def test_first_second_items_without_sections() -> None:
    body = "经研究，答复如下：\n今后我们将重点做好以下工作：第一，完善规划；第二，加大投入。"
    measures = extract_measures((), body, kind="suggestion_reply")
    assert [(m.title, m.stage) for m in measures] == [
        ("完善规划", "planned"),
        ("加大投入", "planned"),
    ]


def test_message_reply_sentences() -> None:
    body = (
        "网友：您好！留言已收悉。经查，已责令施工单位整改。\u3000\u3000下一步，我局将加强巡查。"
        "该工地位于城区东侧。项目建设方已将建筑垃圾清运完毕。感谢您对我们工作的关心。"
    )
    measures = extract_measures((), body, kind="message_reply")
    assert [(m.title, m.stage) for m in measures] == [
        ("已责令施工单位整改", "done"),
        ("我局将加强巡查", "planned"),
        ("项目建设方已将建筑垃圾清运完毕", "done"),  # 将 before a noun is not the future
    ]


def test_boilerplate_only_message_has_no_measures() -> None:
    assert extract_measures((), "网友：您好！留言已收悉", kind="message_reply") == ()
