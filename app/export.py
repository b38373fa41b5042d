"""Exports staff take into Excel and Word: result tables (.csv, .xlsx) and a reply outline (.docx).

Pure functions over :class:`SearchHit` and :class:`Reply`; no gradio here. Text cells that
start like a formula (``=``, ``+``, ``-``, ``@``) are written as text, so a document can never
smuggle a formula into a spreadsheet.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from app.render import kind_label, measure_facts, policy_text
from index.reply import Measure, Policy, Reply
from search.counts import MEASURE_LABELS, OverviewCounts
from search.hit import SearchHit
from search.topics import TopicReport

COLUMNS: tuple[str, ...] = (
    "排名", "相关度", "标题", "类型", "答复单位", "日期", "文号", "提案/建议号", "办理结果",
    "匹配段落", "已落实", "正在推进", "下一步计划", "引用政策", "合并的相似答复", "doc_id",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The faces of Chinese official documents (body 仿宋, headings 黑体/楷体); Word substitutes
# its default when a face is not installed.
FACES: dict[str, str] = {
    "Normal": "仿宋",
    "Title": "黑体",
    "Heading 1": "黑体",
    "Heading 2": "楷体",
}


def hit_row(hit: SearchHit) -> list[str | int | float]:
    """One table row per hit, in :data:`COLUMNS` order."""
    return [
        hit.rank,
        round(hit.score, 4),
        hit.title,
        kind_label(hit.kind),
        hit.issuer or "",
        hit.date or "",
        hit.doc_number or "",
        hit.proposal_number or "",
        hit.result_grade or "",
        "\n\n".join(p.text for p in hit.passages),
        _measure_lines(hit.measures, "done"),
        _measure_lines(hit.measures, "ongoing"),
        _measure_lines(hit.measures, "planned"),
        "\n".join(policy_text(p) for p in _measure_policies(hit.measures)),
        "、".join(hit.duplicates),
        hit.doc_id,
    ]


def _measure_lines(measures: Sequence[Measure], stage: str) -> str:
    return "\n".join(_measure_line(m) for m in measures if m.stage == stage)


def _measure_line(measure: Measure) -> str:
    """「title：text（责任单位：…；时间：…）」 for a table cell."""
    line = f"{measure.title}：{measure.text}" if measure.title else measure.text
    facts = measure_facts(measure)
    return f"{line}（{facts}）" if facts else line


def _measure_policies(measures: Sequence[Measure]) -> list[Policy]:
    return list(dict.fromkeys(p for m in measures for p in m.policies))


def _safe_text(value: str | int | float) -> str | int | float:
    """Strip characters spreadsheets reject and defuse formula-like text."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(hits: Sequence[SearchHit], path: Path) -> Path:
    """Write ``hits`` as CSV in UTF-8 with a BOM, so Excel opens the Chinese text correctly."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows([_safe_text(v) for v in hit_row(hit)] for hit in hits)
    return path


def export_xlsx(
    hits: Sequence[SearchHit],
    path: Path,
    *,
    counts: OverviewCounts | None = None,
    topics: TopicReport | None = None,
) -> Path:
    """Write ``hits`` as an .xlsx sheet with a bold, frozen header row, and the overview
    (``counts`` per facet, ``topics`` with terms and sizes) on a sheet of its own."""
    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "检索结果"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for hit in hits:
        sheet.append([_safe_text(v) for v in hit_row(hit)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = (6, 8, 40, 12, 20, 12, 18, 12, 8, 60, 60, 60, 40, 20, 24)
    for letter, width in zip("ABCDEFGHIJKLMNO", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    if counts is not None or topics is not None:
        _overview_sheet(book.create_sheet("概览"), counts, topics)
    book.save(path)
    return path


def overview_rows(
    counts: OverviewCounts | None, topics: TopicReport | None
) -> list[list[str | int | float]]:
    """The 概览 sheet's rows: one block per facet, then one row per topic."""
    rows: list[list[str | int | float]] = []
    if counts is not None:
        rows.append(["相关答复（得分不低于）", counts.total, round(counts.floor, 4)])
        blocks = (
            ("按年" if counts.period == "year" else "按月", counts.by_period, str),
            ("答复单位", counts.by_issuer, str),
            ("答复类型", counts.by_kind, kind_label),
            ("办理结果", counts.by_grade, str),
            ("措施", counts.measures, MEASURE_LABELS.get),
        )
        for title, facet, label in blocks:
            rows.append([])
            rows.append([title, "件数"])
            rows += [[str(label(c.value) or c.value), c.count] for c in facet]
    if topics is not None:
        rows.append([])
        rows.append([f"热点话题 {topics.date_from} 至 {topics.date_to}", "件数", "上期",
                     "已落实占比", "代表标题", "答复单位"])  # fmt: skip
        for topic in topics.topics:
            issuers = "、".join(f"{c.value} {c.count}" for c in topic.issuers[:5])
            rows.append(["、".join(topic.terms), topic.size, topic.previous,
                         topic.done_share, "\n".join(topic.titles), issuers])  # fmt: skip
    return rows


def _overview_sheet(
    sheet: Worksheet, counts: OverviewCounts | None, topics: TopicReport | None
) -> None:
    for row in overview_rows(counts, topics):
        sheet.append([_safe_text(v) for v in row])
        if len(row) >= 2 and row[1] == "件数":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (40, 10, 10, 12, 50, 30), strict=True):
        sheet.column_dimensions[letter].width = width


def export_outline_docx(
    query: str, hits: Sequence[SearchHit], replies: Mapping[str, Reply], path: Path
) -> Path:
    """A draft reply outline for Word from the chosen precedents.

    ``hits`` are the precedents staff selected, in order; ``replies`` maps their doc ids to
    the full replies (a hit without one falls back to the measures on the hit itself).
    Every measure and policy carries its source: title, 文号, date and doc id.
    """
    if not hits:
        raise ValueError("No precedents selected: choose at least one result for the outline.")
    doc = Document()
    _set_fonts(doc)
    doc.add_heading("答复提纲（草稿）", level=0)
    doc.add_paragraph(_clean(f"检索问题：{query.strip()}"))
    doc.add_paragraph(
        f"由“先例”于 {time.strftime('%Y-%m-%d %H:%M')} 根据 {len(hits)} 件以往答复汇集，"
        "仅供起草参考；引用的数字、政策和文号请逐一核对原件。"
    )
    for stage, heading in (
        ("done", "一、已开展的工作（先例做法）"),
        ("ongoing", "二、正在推进的工作"),
        ("planned", "三、下一步工作计划（先例承诺）"),
    ):
        doc.add_heading(heading, level=1)
        _add_measures(doc, hits, replies, stage)
    doc.add_heading("四、可引用的政策文件", level=1)
    _add_policies(doc, hits, replies)
    doc.add_heading("五、参考先例", level=1)
    for hit in hits:
        doc.add_paragraph(_clean(_source_line(hit)), style="List Number")
    doc.save(str(path))
    return Path(path)


def _set_fonts(doc: DocxDocument) -> None:
    doc.styles["Normal"].font.size = Pt(12)
    for name, face in FACES.items():
        style = doc.styles[name]
        style.font.name = face
        # Word picks the face for Chinese characters from eastAsia, not from the plain name.
        style.element.rPr.rFonts.set(qn("w:eastAsia"), face)


def _measures_of(hit: SearchHit, replies: Mapping[str, Reply]) -> Sequence[Measure]:
    reply = replies.get(hit.doc_id)
    return reply.measures if reply is not None else hit.measures


def _add_measures(
    doc: DocxDocument, hits: Sequence[SearchHit], replies: Mapping[str, Reply], stage: str
) -> None:
    """Under one stage heading: each precedent's source once, then its measures as bullets."""
    found = False
    for hit in hits:
        measures = [m for m in _measures_of(hit, replies) if m.stage == stage]
        if not measures:
            continue
        found = True
        doc.add_heading(_clean(f"来源：{_source_line(hit)}"), level=2)
        for measure in measures:
            para = doc.add_paragraph(style="List Bullet")
            if measure.title:
                para.add_run(_clean(f"{measure.title}：")).bold = True
            para.add_run(_clean(measure.text))
            facts = measure_facts(measure)
            if facts:
                para.add_run(_clean(f"（{facts}）"))
            cites = "；".join(policy_text(p) for p in measure.policies)
            if cites:
                para.add_run(_clean(f"（引用：{cites}）"))
    if not found:
        doc.add_paragraph("所选先例中没有识别出这一类措施。")


def _add_policies(
    doc: DocxDocument, hits: Sequence[SearchHit], replies: Mapping[str, Reply]
) -> None:
    rows: dict[tuple[Policy, str], SearchHit] = {}
    for hit in hits:
        reply = replies.get(hit.doc_id)
        cited = list(reply.policies) if reply is not None else []
        cited += _measure_policies(_measures_of(hit, replies))
        for policy in cited:
            rows.setdefault((policy, hit.doc_id), hit)
    if not rows:
        doc.add_paragraph("所选先例中没有识别出引用的政策文件。")
        return
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, label in zip(
        table.rows[0].cells, ("政策", "政策文号", "出处", "答复文号", "日期"), strict=True
    ):
        cell.text = label
    for (policy, _), hit in rows.items():
        source = f"{hit.title}（{hit.doc_id}）"
        title = f"《{policy.title.strip('《》')}》"
        values = (title, policy.doc_number or "", source, hit.doc_number or "", hit.date or "")
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = _clean(value)


def _clean(text: str) -> str:
    """Drop control characters that Word's XML cannot hold (they come from PDF conversions)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _source_line(hit: SearchHit) -> str:
    parts = [hit.title, hit.issuer, hit.doc_number, hit.date, f"doc_id {hit.doc_id}"]
    return "，".join(p for p in parts if p)
