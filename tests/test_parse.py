"""index.parse: formal replies (the real seed and small variants), message rows, 附件4."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.normalize import heading_level, parse_date
from index.parse import ParseError, normalize_text, parse_record, parse_text, repair_page_breaks
from index.reply import RawRecord, Reply, Source

SRC = Source(path="inline.txt")


def _parse(text: str) -> Reply:
    return parse_text(text, doc_id="inline", source=SRC)


# --- the real seed reply -------------------------------------------------------------


@pytest.fixture
def seed(seed_path: Path) -> Reply:
    return parse_text(
        seed_path.read_text("utf-8"), doc_id=seed_path.name, source=Source(path=seed_path.name)
    )


def test_seed_header_fields(seed: Reply) -> None:
    assert seed.kind == "proposal_reply"
    assert seed.doc_number == "焦工信〔2022〕64号"
    assert seed.signer == "付希强"
    assert seed.result_grade == "A"
    assert seed.issuer == "焦作市工业和信息化局"
    assert seed.title == "对市政协十四届五次会议第120号提案的答复"
    assert seed.proposal_number == "120"
    assert seed.session == "市政协十四届五次会议"
    assert seed.proposer == "李秀萍"
    assert seed.proposal_title == "关于支持在中心城区设立高端制造业开发园区的提案"
    assert seed.co_handlers == ("市商务局", "市发展改革委", "市自然资源规划局")


def test_seed_tail_fields(seed: Reply) -> None:
    assert seed.date == "2022-07-26"
    assert seed.contact_person == "李志翔"
    assert seed.contact_phone == "3569411"
    assert seed.contact_unit == "焦作市工业和信息化局"
    assert seed.cc == ("市政协提案委", "市政府督查室")


def test_seed_measures(seed: Reply) -> None:
    # The extractor marks each action (a clause), as labellers do, not each numbered
    # section: the seed's 4 done sections and 3 planned items now hold 23 done, 1 ongoing
    # and 13 planned measures (its gold labels on the dev split: 28 measures).
    done = [m for m in seed.measures if m.stage == "done"]
    planned = [m for m in seed.measures if m.stage == "planned"]
    assert len(done) >= 15 and len(planned) >= 8
    plan_start = seed.body.index("二、下步工作计划")
    assert all(seed.body.index(m.text) > plan_start for m in planned)
    assert all(seed.body.index(m.text) < plan_start for m in done)
    policy_measure = next(m for m in seed.measures if m.policies and "出台" in m.text)
    assert [p.doc_number for p in policy_measure.policies] == [
        "焦政〔2018〕7号",
        "焦发〔2019〕6号",
        "焦发〔2020〕16号",
        "焦发〔2020〕17号",
    ]
    assert (policy_measure.actor, policy_measure.dates) == ("我市", ("自2018年以来",))
    assert "147家" in {a for m in seed.measures for a in m.amounts}
    lead = next(m for m in planned if "中心城区开发区建设" in m.text)
    assert (lead.title, lead.actor) == ("配合市发改委做好中心城区开发区建设", "市工业和信息化局")
    assert all(len(m.title) <= 20 for m in seed.measures)
    assert not any("联系" in m.text or "抄送" in m.text for m in seed.measures)
    assert [h.kind for h in seed.handling] == ["ack"] and "收悉" in seed.handling[0].text


def test_seed_policies(seed: Reply) -> None:
    titles = {p.title for p in seed.policies}
    assert len(seed.policies) == 6
    assert {p.doc_number for p in seed.policies if p.doc_number} == {
        "焦政〔2018〕7号",
        "焦发〔2019〕6号",
        "焦发〔2020〕16号",
        "焦发〔2020〕17号",
    }
    assert "关于实施“添翼计划”加快企业梯次培育的意见" in titles
    assert "关于应对新冠肺炎疫情进一步帮助市场主体纾困解难的三十条措施" in titles
    assert seed.proposal_title not in titles


def test_seed_body_repaired(seed: Reply) -> None:
    for word in ("深入贯彻", "优先支持", "工业企业", "协助147家企业", "2022年河南省"):
        assert word in seed.body
    assert "深\n\n入" not in seed.body
    assert "#" not in seed.body


def test_seed_sections_follow_numbering_not_markdown(seed: Reply) -> None:
    assert [(s.level, s.heading) for s in seed.sections] == [
        (1, "一、工作基本情况"),
        (2, "（一）明确产业发展定位"),
        (2, "（二）制定产业发展政策"),
        (2, "（三）加大企业培育力度"),
        (2, "（四）推进企业项目建设"),
        (1, "二、下步工作计划"),
    ]
    last = seed.sections[-1].text
    assert last.endswith("突破关键技术。")  # the closing thanks and contacts are not in it


def test_seed_round_trips_through_json(seed: Reply) -> None:
    assert Reply.from_dict(seed.to_dict()) == seed


# --- small formal variants -----------------------------------------------------------

SUGGESTION = """关于市十四届人大三次会议第56号建议的答复

王某某代表：

您提出的《关于加强城区停车管理的建议》收悉。经与市公安局、市城管局共同研究，现答复如下：

一、已开展的工作

（一）增加停车泊位。2021年新增公共停车泊位3200个，投资1.2亿元。

（二）规范停车秩序。依据《焦作市停车场管理办法》（焦政[2020]12号），开展专项整治。

二、下一步工作打算

一是加快停车场建设；二是推进智慧停车。

感谢您对城市管理工作的关心和支持。

焦作市住房和城乡建设局

二〇二二年七月二十六日

联 系 人：张三

联系 电话：0391-1234567

抄报：市人大代表工委（1份）

抄送：市政府督查室（1份）
"""


def test_suggestion_reply_variant() -> None:
    r = _parse(SUGGESTION)
    assert r.kind == "suggestion_reply"
    assert r.title == "关于市十四届人大三次会议第56号建议的答复"
    assert (r.proposer, r.proposal_number) == ("王某某", "56")
    assert r.session == "市十四届人大三次会议"
    assert r.proposal_title == "关于加强城区停车管理的建议"
    assert r.co_handlers == ("市公安局", "市城管局")
    assert r.date == "2022-07-26"
    assert (r.contact_person, r.contact_phone) == ("张三", "0391-1234567")
    assert r.cc == ("市人大代表工委", "市政府督查室")
    assert r.issuer == "焦作市住房和城乡建设局"  # the signature above the date
    assert [(p.title, p.doc_number) for p in r.policies] == [
        ("焦作市停车场管理办法", "焦政〔2020〕12号")
    ]
    assert [(m.title, m.stage) for m in r.measures] == [
        ("新增公共停车泊位3200个", "done"),  # 投资1.2亿元 is its figure, not an act
        ("开展专项整治", "done"),
        ("加快停车场建设", "planned"),
        ("推进智慧停车", "planned"),
    ]
    assert (r.measures[0].amounts, r.measures[0].dates) == (("3200个", "1.2亿元"), ("2021年",))
    # the policy it acts on stays with the action
    assert [p.doc_number for p in r.measures[1].policies] == ["焦政〔2020〕12号"]
    assert [h.kind for h in r.handling] == ["ack", "ack"]


def _formal(header: str, body: str = "感谢您的建议。") -> str:
    return (
        f"{header}\n\n关于市政协十四届五次会议第7号提案的答复\n\n张委员：\n\n"
        f"您提出的提案收悉，现答复如下：\n\n一、主要措施\n\n{body}\n\n2022年7月26日\n"
    )


@pytest.mark.parametrize(
    "number",
    ["焦工信〔2022〕64号", "焦工信[2022]64号", "焦工信（2022）64号", "焦工信【2022】64号"],
)
def test_doc_number_brackets_are_normalised(number: str) -> None:
    assert _parse(_formal(number)).doc_number == "焦工信〔2022〕64号"


@pytest.mark.parametrize(
    ("header", "grade"),
    [("办理结果：A", "A"), ("类别：B", "B"), ("A类", "A"), ("（B类）", "B"), ("C", "C")],
)
def test_result_grade_variants(header: str, grade: str) -> None:
    assert _parse(_formal(f"焦工信〔2022〕1号\n\n{header}")).result_grade == grade


def test_grade_letter_in_body_is_not_a_grade() -> None:
    assert _parse(_formal("焦工信〔2022〕1号", "培育A类企业3家。")).result_grade is None


def test_full_width_digits_and_spaces() -> None:
    text = _formal("焦工信〔２０２２〕６４号", "协助 １４７ 家企业，增长 ５．５％。").replace(
        "2022年7月26日", "２０２２年７月２６日"
    )
    r = _parse(text)
    assert r.doc_number == "焦工信〔2022〕64号"
    assert r.date == "2022-07-26"
    assert "协助147家企业，增长5.5%。" in r.body
    assert [(m.text, m.amounts) for m in r.measures] == [("协助147家企业", ("147家",))]


def test_huiban_title_and_kind() -> None:
    text = (
        "关于市政协十四届五次会议第88号提案的会办意见\n\n市发展改革委：\n\n"
        "经研究，我局意见如下：我局将积极配合做好园区规划。\n\n2022年6月1日\n"
    )
    r = _parse(text)
    assert r.title == "关于市政协十四届五次会议第88号提案的会办意见"
    assert r.kind == "proposal_reply"
    assert r.proposer is None
    assert r.proposal_number == "88"
    assert r.date == "2022-06-01"
    assert [m.stage for m in r.measures] == ["planned"]


def test_signing_date_is_before_contacts_not_the_yinfa_date() -> None:
    text = _formal("焦工信〔2022〕1号").replace(
        "2022年7月26日\n",
        "2022年7月26日\n\n联系单位：某局\n\n---\n\n某局办公室\n\n2022年8月1日印发\n",
    )
    r = _parse(text)
    assert (r.date, r.contact_unit) == ("2022-07-26", "某局")


def test_empty_text_raises_a_clear_error() -> None:
    with pytest.raises(ParseError, match="no text"):
        _parse(" \n\n ")


# --- helpers -------------------------------------------------------------------------


def test_normalize_text() -> None:
    assert normalize_text("协助 147 家企业（占 10.6%）") == "协助147家企业（占10.6%）"
    assert normalize_text("２０２２ 年 1-4 月份") == "2022年1-4月份"
    assert normalize_text("ＡＢＣ，（一）：！") == "ABC，（一）：！"  # punctuation stays full-width
    assert normalize_text("hello world\u3000\u3000x") == "hello world x"
    assert normalize_text("a\r\n\r\n\r\n\r\nb") == "a\n\nb"


def test_repair_page_breaks_joins_only_broken_lines() -> None:
    broken = "近年来，在市委的正确领导下，市工信局深\n\n入贯彻落实。\n\n下一步加强管理。"
    assert (
        repair_page_breaks(broken)
        == "近年来，在市委的正确领导下，市工信局深入贯彻落实。\n\n下一步加强管理。"
    )
    kept = [
        "# 焦作市工业和信息化局文件\n\n焦工信〔2022〕64号",
        "签发人：付希强\n\n办理结果：A",
        "2022年7月26日\n\n联系单位：焦作市工业和信息化局",
        "一、工作基本情况\n\n中心城区作为全市政治、经济中心",
        "对市政协十四届五次会议第120号提案的答复\n\n李秀萍委员：",
        "这是一个没有句号但是很长的段落文字\n\n（一）明确产业发展定位",
    ]
    for text in kept:
        assert repair_page_breaks(text) == text


def test_repair_drops_page_numbers_between_halves() -> None:
    assert (
        repair_page_breaks("积极帮助企业争取省级资金支\n\n- 3 -\n\n持。")
        == "积极帮助企业争取省级资金支持。"
    )


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("### 一、工作基本情况", 1),
        ("## （一）明确定位", 2),
        ("#### （四）推进建设", 2),
        ("1.加强巡查", 3),
        ("2、完善设施", 3),
        ("（3）落实责任", 4),
        ("1.5亿元用于建设", None),
        ("一是加强巡查", None),
    ],
)
def test_heading_level(line: str, level: int | None) -> None:
    assert heading_level(line) == level


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022年7月26日", "2022-07-26"),
        ("二〇二二年七月二十六日", "2022-07-26"),
        ("二〇二一年十二月三十一日", "2021-12-31"),
        ("2019/5/10 14:56:53", "2019-05-10"),
        ("2019-04-08 08:37:20", "2019-04-08"),
        ("2022年2月30日", None),
        ("不详", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


# --- message replies from table rows -------------------------------------------------

MESSAGE = (
    "网友：您好！留言已收悉。经查，已责令施工单位整改。\u3000\u3000下一步，我局将加强巡查。"
    "感谢您对我们工作的关心。2019年5月9日"
)


def _row(**fields: str) -> RawRecord:
    return RawRecord(source=Source(path="tipdm2020/附件4.xlsx", row=5), text=MESSAGE, fields=fields)


def test_message_reply_from_row() -> None:
    r = parse_record(
        _row(id="12451", title=" 工地噪音扰民 ", question="\n\t夜间施工\n", body=MESSAGE,
             date="2019/5/10 14:56:53")
    )  # fmt: skip
    assert (r.kind, r.doc_id, r.title, r.question) == (
        "message_reply",
        "12451",
        "工地噪音扰民",
        "夜间施工",
    )
    assert r.body == MESSAGE  # kept intact
    assert (r.date, r.issuer) == ("2019-05-10", None)
    assert [(m.title, m.stage) for m in r.measures] == [
        ("责令施工单位整改", "done"),
        ("加强巡查", "planned"),
    ]
    assert r.has_measures and [h.text for h in r.handling] == ["留言已收悉"]


def test_row_without_id_is_named_by_source_row() -> None:
    r = parse_record(_row(body=MESSAGE, date="不详", issuer="市城管局"))
    assert (r.doc_id, r.date, r.issuer) == ("tipdm2020/附件4.xlsx#5", None, "市城管局")


def test_row_with_empty_body_raises() -> None:
    with pytest.raises(ParseError, match="empty reply body"):
        parse_record(_row(id="1", body="  "))


def test_file_record_is_parsed_as_formal_reply() -> None:
    raw = RawRecord(source=Source(path="replies/a.txt"), text=SUGGESTION)
    r = parse_record(raw)
    assert (r.doc_id, r.kind, r.proposer) == ("replies/a.txt", "suggestion_reply", "王某某")


# --- the real 附件4 ------------------------------------------------------------------


def _tipdm_rows(path: Path) -> list[RawRecord]:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]]
    names = {"留言编号": "id", "留言主题": "title", "留言详情": "question", "答复意见": "body",
             "答复时间": "date"}  # fmt: skip
    out = []
    for n, row in enumerate(rows[1:], start=2):
        cells = {names[h]: str(v) for h, v in zip(header, row, strict=True) if h in names}
        out.append(
            RawRecord(source=Source(path=path.name, row=n), text=cells["body"], fields=cells)
        )
    return out


def test_all_tipdm4_rows_parse(tipdm4_path: Path) -> None:
    records = _tipdm_rows(tipdm4_path)
    replies = [parse_record(r) for r in records]  # its speed: python -m bench.read_speed
    assert len(replies) == 2816
    assert all(r.kind == "message_reply" and r.date for r in replies)
    assert len({r.doc_id for r in replies}) == 2816
    greeting_only = [r for r in replies if r.body.strip() == "网友：您好！留言已收悉"]
    assert greeting_only and all(not r.measures for r in greeting_only)
    mean = sum(len(r.measures) for r in replies) / len(replies)
    assert 1.0 < mean < 5.0, mean


REPLY_AFTER_TITLE = (
    "\n\n网友您好！您反映的小区加装电梯补贴问题已收悉。经调查，我局已将该小区纳入今年"
    "改造计划，预计年底前完成。\n\n答复时间：2023年5月1日"
)


@pytest.mark.parametrize(
    ("title", "issuer"),
    [
        ("城区老旧小区加装电梯问题", None),  # 12 characters, no 答复 in it
        ("关于小区加装电梯问题的答复", None),
        ("市住建局关于加装电梯的回复", "市住建局"),
    ],
)
def test_a_title_line_before_a_blank_stays_the_title(title: str, issuer: str | None) -> None:
    r = parse_text(title + REPLY_AFTER_TITLE, doc_id="t", source=Source("t.txt"))
    assert r.title == title.removeprefix(issuer or "")
    assert r.issuer == issuer
    assert r.body.split("\n")[0] == title and r.body.split("\n")[2].startswith("网友您好")


def test_a_title_without_greeting_after_it_is_not_glued() -> None:
    text = "城区老旧小区加装电梯问题\n\n经调查，我局已将该小区纳入今年改造计划，预计年底前完成。"
    assert repair_page_breaks(text) == text
    # a greeting opens a paragraph even after a long line without a full stop
    greeting = "市住房和城乡建设局关于城区加装电梯补贴政策的说明\n\n网友您好！已收悉。"
    assert repair_page_breaks("前言。\n" + greeting) == "前言。\n" + greeting
