"""CSV, XLSX and Word exports, read back with the libraries staff's tools rely on."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from app.export import COLUMNS, export_csv, export_outline_docx, export_xlsx
from tests.ui_fakes import FakeSearcher, hit_for, make_reply


@pytest.fixture
def hits() -> list:
    return FakeSearcher().search("园区")


def test_csv_has_bom_header_and_one_row_per_hit(tmp_path: Path, hits: list) -> None:
    path = export_csv(hits, tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(hits)
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["标题"] == "关于在中心城区建设高端制造业园区的提案的答复"
    assert first["类型"] == "政协提案答复" and first["doc_id"] == "r1"
    assert "优化园区空间布局" in first["已落实"] and "加快园区建设" in first["下一步计划"]
    assert first["引用政策"] == "《青岚市专精特新中小企业梯度培育实施方案》（岚政办〔2022〕23号）"
    assert first["合并的相似答复"] == "r9"


def test_xlsx_round_trips_and_never_writes_formulas(tmp_path: Path) -> None:
    evil = make_reply("e", '=HYPERLINK("http://x","点我")', "-1+1\x07正文")
    path = export_xlsx([hit_for(evil, 1)], tmp_path / "r.xlsx")
    sheet = load_workbook(path).active
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    title = sheet.cell(row=2, column=COLUMNS.index("标题") + 1)
    assert title.data_type == "s" and title.value.startswith("'=HYPERLINK")
    passage = sheet.cell(row=2, column=COLUMNS.index("匹配段落") + 1).value
    assert passage == "'-1+1正文"  # control character dropped, formula start defused
    assert sheet.freeze_panes == "A2"


def test_csv_defuses_formula_cells_too(tmp_path: Path) -> None:
    evil = make_reply("e", "@SUM(A1)", "b")
    rows = list(
        csv.reader(export_csv([hit_for(evil, 1)], tmp_path / "e.csv").open(encoding="utf-8-sig"))
    )
    assert rows[1][COLUMNS.index("标题")] == "'@SUM(A1)"


def test_outline_gathers_measures_policies_and_sources(tmp_path: Path, hits: list) -> None:
    s = FakeSearcher()
    chosen = hits[:2]
    replies = {h.doc_id: s.reply(h.doc_id) for h in chosen}
    path = export_outline_docx("中心城区 园区", chosen, replies, tmp_path / "o.docx")
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "答复提纲（草稿）" in text and "检索问题：中心城区 园区" in text
    done = text.index("一、已开展的工作")
    planned = text.index("三、下一步工作计划")
    assert done < text.index("优化园区空间布局：") < planned < text.index("加快园区建设：")
    east_asia = doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert east_asia == "仿宋"  # Chinese text gets a Chinese face, not Calibri's fallback
    sources = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert len(sources) == 4  # each precedent named once per stage, not once per measure
    source = "，".join(
        (
            "来源：关于在中心城区建设高端制造业园区的提案的答复",
            "青岚市工业和信息化局",
            "岚工信〔2023〕18号",
            "2023-06-12",
            "doc_id r1",
        )
    )
    assert source in text
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["政策", "政策文号", "出处", "答复文号", "日期"]
    first = [c.text for c in table.rows[1].cells]
    assert first[:2] == ["《青岚市专精特新中小企业梯度培育实施方案》", "岚政办〔2022〕23号"]
    assert first[2].endswith("（r1）") and first[4] == "2023-06-12"
    assert len(table.rows) == 1 + 2  # one row per (policy, precedent), not per mention


def test_outline_falls_back_to_hit_measures_and_survives_control_chars(tmp_path: Path) -> None:
    reply = make_reply("c", "标题\x0b", "正文")
    path = export_outline_docx("问\x00题", [hit_for(reply, 1)], {}, tmp_path / "c.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "检索问题：问题" in text and "优化园区空间布局" in text


def test_outline_says_when_a_stage_has_no_measures(tmp_path: Path) -> None:
    bare = make_reply("b", "无措施", "正文", measures=(), policies=())
    path = export_outline_docx("q", [hit_for(bare, 1)], {"b": bare}, tmp_path / "b.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert text.count("没有识别出这一类措施") == 3 and "没有识别出引用的政策文件" in text


def test_outline_needs_a_precedent(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="choose at least one"):
        export_outline_docx("q", [], {}, tmp_path / "x.docx")


def test_ongoing_measures_and_their_actor_and_dates_are_exported(tmp_path: Path) -> None:
    from index.reply import Measure

    ongoing = Measure(
        "推进管网改造", "正在推进老旧管网改造。", "ongoing", actor="县水务公司", dates=("年底前",)
    )
    reply = make_reply("w", "关于农村饮水的答复", "正文。", measures=(ongoing,))
    hit = hit_for(reply, 1)
    rows = list(
        csv.reader(export_csv([hit], tmp_path / "r.csv").read_text("utf-8-sig").splitlines())
    )
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert "推进管网改造" in row["正在推进"] and "责任单位：县水务公司" in row["正在推进"]
    path = export_outline_docx("饮水", [hit], {"w": reply}, tmp_path / "o.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "二、正在推进的工作" in text and "时间：年底前" in text
