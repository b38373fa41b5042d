"""The bundled sample corpus: files present, encodings as documented, README complete."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from pathlib import Path
from types import ModuleType

import docx
import pytest
from bs4 import BeautifulSoup

from index.docnum import DOC_NUMBER_RE
from tests.conftest import BUNDLED_CORPUS

README = BUNDLED_CORPUS / "README.md"
GBK_SAMPLE = "s03_suggestion_reply_rural_drinking_water_gbk.txt"
DOCX_SAMPLE = "s04_proposal_reply_school_places.docx"
CSV_SAMPLE = "s10_message_board_replies.csv"
DOCX_TITLE = "青岚市教育局对市政协十二届二次会议第112号提案的答复"
CSV_HEADER = ["留言编号", "留言主题", "留言详情", "答复意见", "答复时间", "答复单位"]
PASTED_SCRIPT = '<script>alert("先例")</script>'

FORMAL = (
    "s01_proposal_reply_specialized_sme_park.txt",
    "s02_suggestion_reply_elevator_retrofit.md",
    GBK_SAMPLE,
    DOCX_SAMPLE,
    "s05_proposal_reply_parking.txt",
    "s06_cohandling_opinion_sme_finance.md",
    "s07_proposal_reply_elderly_care.html",
    "s08_proposal_reply_noise_cooking_fumes.txt",
    "s09_suggestion_reply_primary_care.md",
)
SAMPLES = (*FORMAL, CSV_SAMPLE)


def _docx_text(path: Path) -> str:
    doc = docx.Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def sample_text(name: str) -> str:
    """The readable text of a sample, decoded the way its README entry says."""
    path = BUNDLED_CORPUS / name
    if path.suffix == ".docx":
        return _docx_text(path)
    if name == GBK_SAMPLE:
        return path.read_bytes().decode("gbk")
    text = path.read_bytes().decode("utf-8")  # strict: a stray encoding must fail here
    if path.suffix == ".html":
        body = BeautifulSoup(text, "html.parser").body
        return body.get_text() if body is not None else ""  # the page, not its <style>
    return text


def _csv_rows() -> list[dict[str, str]]:
    raw = (BUNDLED_CORPUS / CSV_SAMPLE).read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw, newline="")))


def _load_make_docx() -> ModuleType:
    path = BUNDLED_CORPUS / "tools" / "make_docx.py"
    spec = importlib.util.spec_from_file_location("make_docx", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_exists_and_is_small(name: str) -> None:
    path = BUNDLED_CORPUS / name
    assert path.is_file()
    assert 0 < path.stat().st_size < 60_000


def test_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in BUNDLED_CORPUS.rglob("*") if p.is_file())
    assert total < 200_000


def test_gbk_sample_is_not_utf8_but_decodes_as_gbk() -> None:
    raw = (BUNDLED_CORPUS / GBK_SAMPLE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert "岚水（2023）27号" in text
    assert "二〇二三年五月十八日" in text
    assert b"\r\n" in raw  # the Windows-style sample keeps its CRLF line endings


def test_docx_opens_and_contains_title_and_table() -> None:
    doc = docx.Document(str(BUNDLED_CORPUS / DOCX_SAMPLE))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert DOCX_TITLE in headings
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "年度"


def test_docx_matches_its_generator(tmp_path: Path) -> None:
    out = tmp_path / "regenerated.docx"
    assert _load_make_docx().main([str(out)]) == 0
    assert _docx_text(out) == _docx_text(BUNDLED_CORPUS / DOCX_SAMPLE)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_has_doc_number_or_is_table(name: str) -> None:
    is_table = Path(name).suffix in {".csv", ".xlsx", ".jsonl"}
    assert is_table or DOC_NUMBER_RE.search(sample_text(name))


@pytest.mark.parametrize("name", FORMAL)
def test_formal_sample_length_and_sample_marker(name: str) -> None:
    text = sample_text(name)
    assert 600 <= len(re.sub(r"\s", "", text)) <= 1800
    assert "示例：本文为“先例”项目编写的虚构" in text
    assert "焦作" not in text and "A市" not in text  # written for us, not copied from real data


def test_samples_cover_the_documented_variants() -> None:
    texts = {name: sample_text(name) for name in FORMAL}
    joined = "\n".join(texts.values())
    for pattern in (r"〔2023〕", r"\[2023\]", r"（2023）", r"【2023】"):
        assert re.search(r"[\u4e00-\u9fff]+" + pattern + r"\d+号", joined), pattern
    assert "办理结果：B" in joined and re.search(r"^C$", joined, re.MULTILINE)
    assert "联 系 人：" in joined and "会办意见" in texts["s06_cohandling_opinion_sme_finance.md"]
    suggestions = [t for t in texts.values() if re.search(r"^\S{2,4}代表：", t, re.MULTILINE)]
    assert len(suggestions) >= 2


def test_csv_rows_and_pasted_script() -> None:
    rows = _csv_rows()
    assert 3 <= len(rows) <= 5
    assert list(rows[0]) == CSV_HEADER
    assert all(r["答复意见"].startswith("网友：您好！") for r in rows)
    assert sum(PASTED_SCRIPT in r["留言详情"] for r in rows) == 1


def test_readme_lists_every_file_and_marks_samples() -> None:
    readme = README.read_text(encoding="utf-8")
    for path in BUNDLED_CORPUS.rglob("*"):
        rel = path.relative_to(BUNDLED_CORPUS)
        if path.is_dir() or rel.parts[0] == "tools" or rel == Path("README.md"):
            continue
        assert f"`{rel.as_posix()}`" in readme, f"{rel} is not listed in corpus/README.md"
    assert "示例" in readme and "not real government documents" in readme
    assert "--columns body=答复内容,title=主题" in readme
