"""Generate the sample .docx reply ``corpus/s04_proposal_reply_school_places.docx``.

The sample is fictional (青岚市 and every name and number in it are invented for 先例).
It is built from code rather than edited by hand so that the committed file can be
regenerated and reviewed as text. Run from the repository root::

    python corpus/tools/make_docx.py            # rewrite the committed sample
    python corpus/tools/make_docx.py out.docx   # write elsewhere
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH

logger = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "s04_proposal_reply_school_places.docx"
TITLE = "青岚市教育局对市政协十二届二次会议第112号提案的答复"

HEADER = ("岚教〔2023〕31号", "签发人：林素芬", "办理结果：A")

OPENING = (
    "黄志诚委员：",
    "您在市政协十二届二次会议上提出的第112号提案《关于增加中心城区义务教育学位供给"
    "规范校外培训的提案》收悉。经与市发展改革委、市自然资源和规划局、市市场监管局等单位"
    "共同研究，现答复如下：",
)

WORK_DONE = (
    "（一）扩大学位供给。2021—2022年，全市新建、改扩建中小学13所，新增义务教育学位"
    "1.58万个，中心城区小学、初中大班额比例分别降至1.2%和2.6%。2023年计划再建成4所，"
    "新增学位5800个（见下表）。",
    "（二）规范招生入学。印发《青岚市义务教育学校招生入学工作实施意见》（岚教〔2023〕8号），"
    "实行划片招生、就近入学，在学位紧张片区推行多校划片；随迁子女在公办学校就读比例达到91.5%。",
    "（三）深化校外培训治理。依据《青岚市校外培训机构监督管理办法》（岚政办〔2022〕14号），"
    "全市义务教育阶段学科类校外培训机构由136家压减至9家，压减率93.4%；预收费全部纳入银行"
    "专用账户监管，监管资金1260万元。",
    "（四）提升课后服务水平。全市义务教育学校课后服务实现全覆盖，学生参与率91.2%，"
    "引入非学科类优质资源开设科技、体育、艺术课程420门。",
)

PLANS = (
    "一是加快学校建设。推进明湖区实验小学分校、北垣区第三初级中学等4个项目按期投用，"
    "落实新建住宅小区配套学校与住宅同步规划、同步建设、同步交付。"
    "二是优化学位预警。建立适龄儿童入学预测机制，每年3月前向社会公布各片区学位供需情况。"
    "三是巩固治理成效。联合市场监管部门开展“护苗”专项检查，严查隐形变异学科类培训，"
    "畅通举报渠道，做到接诉即查、查实即处。",
)

TABLE = (
    ("年度", "新建、改扩建学校（所）", "新增学位（个）", "投资（亿元）"),
    ("2021年", "6", "7200", "4.1"),
    ("2022年", "7", "8600", "5.3"),
    ("2023年（计划）", "4", "5800", "3.6"),
)

CLOSING = (
    "感谢您对我市教育事业的关心和支持。",
    "青岚市教育局",
    "2023年6月28日",
    "联系单位：青岚市教育局基础教育科",
    "联系电话：6242190",
    "联系人：蒋雨桐",
    "抄送：市政协提案委，市政府督查室。",
    "（示例：本文为“先例”项目编写的虚构答复，地名、人名、文号、数据均为虚构，并非真实政府文件。）",
)


def _add_table(doc: DocumentObject) -> None:
    """Append the school-building table, header row first."""
    table = doc.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    table.style = "Table Grid"
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


def build_document() -> DocumentObject:
    """Return the sample reply as an in-memory python-docx ``Document``."""
    doc = Document()
    # Fixed metadata so that regenerating the file changes only what the text changes.
    props = doc.core_properties
    props.author = "先例 sample"
    props.title = TITLE
    props.created = props.modified = dt.datetime(2023, 6, 28, 9, 0, 0)
    doc.add_heading("青岚市教育局文件", level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in HEADER:
        doc.add_paragraph(line)
    doc.add_heading(TITLE, level=1)
    for line in OPENING:
        doc.add_paragraph(line)
    doc.add_heading("一、工作基本情况", level=2)
    for line in WORK_DONE:
        doc.add_paragraph(line)
    _add_table(doc)
    doc.add_heading("二、下步工作计划", level=2)
    for line in PLANS:
        doc.add_paragraph(line)
    for line in CLOSING:
        doc.add_paragraph(line)
    return doc


def main(argv: list[str]) -> int:
    """Write the sample to ``argv[0]`` or to its committed place; return an exit status."""
    if len(argv) > 1:
        sys.stderr.write("usage: python corpus/tools/make_docx.py [OUT.docx]\n")
        return 2
    out = Path(argv[0]) if argv else DEFAULT_OUT
    build_document().save(str(out))
    logger.info("wrote %s", out)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main(sys.argv[1:]))
