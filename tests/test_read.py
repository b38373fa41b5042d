"""Readers: every format, encodings told from bytes, table columns by synonym or map, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from index.read import (
    SUPPORTED_SUFFIXES,
    ReadError,
    TableError,
    decode_bytes,
    parse_column_map,
    read_corpus,
    read_file,
)
from index.read_tables import cell_str
from index.reply import RawRecord, Skipped, Source

REPLY = (
    "焦工信〔2022〕64号\n签发人：付希强\n"
    "李秀萍委员：\n您提出的《关于支持在中心城区设立高端制造业开发园区的提案》收悉，现答复如下：\n"
    "一、工作基本情况\n2021年，城区规模以上工业增加值完成212.5亿元、占全市41.6%。"
)
SHORT_GBK = "关于专精特新企业的答复"  # short Chinese: where charset detection alone goes wrong
HEADERS = ["序号", " 留言主题 ", "留言详情", "答复 意见", "答复时间", "承办单位", "备注"]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _records(items: list[RawRecord | Skipped]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


# --- text and encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),  # no BOM: told by where the NUL bytes of ASCII fall
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_text_encodings_are_told_from_the_bytes(tmp_path: Path, codec: str, expected: str) -> None:
    path = _write(tmp_path / "reply.txt", REPLY.replace("\n", "\r\n").encode(codec))
    assert decode_bytes(path.read_bytes()) == (REPLY, expected)
    [record] = read_file(path)
    assert record == RawRecord(source=Source("reply.txt"), text=REPLY)


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "utf-16", "utf-8"])
def test_short_chinese_text_decodes(codec: str) -> None:
    assert decode_bytes(SHORT_GBK.encode(codec))[0] == SHORT_GBK


def test_markdown_is_read_as_text_and_lone_cr_becomes_newline(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", "## 标题\r一、基本情况\r\n内容".encode())
    [record] = read_file(path)
    assert record.text == "## 标题\n一、基本情况\n内容"


def test_latin_text_falls_back_to_charset_detection() -> None:
    text, encoding = decode_bytes("Résumé of the reply, façade déjà vu. ".encode("cp1252") * 3)
    # charset-normalizer guesses some single-byte Latin code page; which one varies.
    assert text.startswith("Résumé of the reply") and encoding not in ("utf-8", "gb18030")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \r\n\t ", "empty"),
        (b"\x00" * 1000, "NUL"),
        (bytes(range(1, 9)) * 100, "binary"),
        (bytes(range(128, 256)) * 8, "encoding"),
        (b"\xff\xfe" + "半个".encode("utf-16-le")[:-1], "utf-16"),
    ],
    ids=["zero-bytes", "whitespace", "nul-bytes", "control-chars", "undecodable", "cut-utf16"],
)
def test_bad_text_raises_read_error_with_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _write(tmp_path / "bad.txt", data)
    with pytest.raises(ReadError, match=reason):
        read_file(path)


def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"unsupported file type '\.doc'.*\.docx"):
        read_file(_write(tmp_path / "old.doc", b"x"))
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        read_file(tmp_path / "nope.txt")
    assert ".jsonl" in SUPPORTED_SUFFIXES and ".doc" not in SUPPORTED_SUFFIXES


def test_source_path_is_relative_to_root(tmp_path: Path) -> None:
    path = _write(tmp_path / "sub" / "dir" / "r.txt", REPLY.encode())
    assert read_file(path, root=tmp_path)[0].source == Source("sub/dir/r.txt")
    assert read_file(path)[0].source == Source("r.txt")
    with pytest.raises(ValueError, match="not inside"):
        read_file(path, root=tmp_path / "elsewhere")


# --- documents -------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("焦工信〔2022〕64号")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "签发人："
    table.cell(0, 1).merge(table.cell(0, 2)).text = "付希强"
    table.cell(1, 0).text = "办理结果"
    table.cell(1, 1).text = "A"
    document.add_paragraph("李秀萍委员：")
    document.add_paragraph("现答复如下：")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_cells_in_order(tmp_path: Path) -> None:
    [record] = read_file(_write(tmp_path / "r.docx", _docx_bytes()))
    lines = record.text.split("\n")
    assert lines == [
        "焦工信〔2022〕64号",
        "签发人：\t付希强",
        "办理结果\tA",
        "李秀萍委员：",
        "现答复如下：",
    ]


@pytest.mark.parametrize(
    "data",
    [_docx_bytes()[:2000], b"this is plain text, not a zip", b"PK\x03\x04" + b"\x00" * 50],
    ids=["truncated", "plain-text", "broken-zip-header"],
)
def test_damaged_docx_raises_read_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError, match=r"not a readable \.docx"):
        read_file(_write(tmp_path / "bad.docx", data))


def _cjk_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer is ``lines``: Type0 font, Identity-H, a ToUnicode map."""
    hexes = [("".join(f"{ord(c):04X}" for c in line)) for line in lines]
    content = "BT /F1 14 Tf 18 TL 72 760 Td " + " ".join(f"<{h}> Tj T*" for h in hexes) + " ET"
    chars = sorted({c for line in lines for c in line})
    pairs = "\n".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{pairs}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        "/FontDescriptor 8 0 R >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] "
        "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return bytes(out + trailer.encode("ascii"))


def test_pdf_text_layer_in_chinese(tmp_path: Path) -> None:
    lines = ["焦工信〔2022〕64号", "对市政协十四届五次会议第120号提案的答复", "李秀萍委员："]
    data = _cjk_pdf(lines)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # the fixture itself is a valid PDF
    [record] = read_file(_write(tmp_path / "r.pdf", data))
    assert [line.strip() for line in record.text.split("\n")] == lines


def test_pdf_without_text_layer_is_skipped_with_reason(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    items = read_file(_write(tmp_path / "scan.pdf", buffer.getvalue()))
    assert items == [Skipped("scan.pdf", "no text layer (scanned PDF?) — OCR it first")]


def test_unopenable_pdf_raises_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="not a readable PDF"):
        read_file(_write(tmp_path / "bad.pdf", b"%PDF-1.4\nthis is not really a PDF\n"))


def test_html_blocks_become_lines_without_script_or_style(tmp_path: Path) -> None:
    html = (
        "<html><head><meta charset='gbk'><title>市政府门户网站</title><style>p{color:red}</style>"
        "<script>var secret = '脚本内容';</script></head><body>"
        "<!-- 注释内容 --><h1>关于提案的答复</h1>"
        "<p>根据<b>《焦作市促进中小企业发展办法》</b>\n   规定，<a href='#'>现答复</a>如下：</p>"
        "<div>一是加强<br>二是完善</div><table><tr><td>联系人</td><td>张三</td></tr></table>"
        "</body></html>"
    )
    [record] = read_file(_write(tmp_path / "r.html", html.encode("gbk")))
    assert record.text.split("\n") == [
        "关于提案的答复",
        "根据《焦作市促进中小企业发展办法》 规定，现答复如下：",
        "一是加强",
        "二是完善",
        "联系人\t张三",
    ]
    for hidden in ("脚本", "color", "注释", "门户网站"):
        assert hidden not in record.text


def test_htm_suffix_and_empty_html(tmp_path: Path) -> None:
    assert read_file(_write(tmp_path / "a.htm", "<p>答复</p>".encode()))[0].text == "答复"
    with pytest.raises(ReadError, match="no text"):
        read_file(_write(tmp_path / "b.html", b"<html><script>x=1</script></html>"))


# --- tables ----------------------------------------------------------------------------------

ROWS: list[list[object]] = [
    [
        1.0,
        "停车难",
        "小区停车位不足",
        "您好，已责成物业增设车位。",
        dt.datetime(2019, 5, 10, 14, 56, 53),
        "住建局",
        "x",
    ],
    [2, "路灯", "路灯不亮", "", dt.datetime(2019, 6, 1), "城管局", "y"],
    [None, None, None, None, None, None, None],
    [None, "噪音", "", "已处理。\r\n谢谢。", dt.date(2020, 1, 2), None, None],
]


def _xlsx(path: Path, headers: list[str], rows: list[list[object]], title: str = "") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _check_synonym_rows(items: list[RawRecord | Skipped], path: str, first_row: int) -> None:
    first, skipped, last = items
    assert first == RawRecord(
        source=Source(path, first_row),
        text="您好，已责成物业增设车位。",
        fields={
            "id": "1",
            "title": "停车难",
            "question": "小区停车位不足",
            "body": "您好，已责成物业增设车位。",
            "date": "2019-05-10 14:56:53",
            "issuer": "住建局",
        },
    )
    assert isinstance(skipped, Skipped) and skipped.path == path
    assert f"row {first_row + 1}" in skipped.reason and "答复 意见" in skipped.reason
    assert isinstance(last, RawRecord) and "id" not in last.fields  # the parser derives one
    assert last.source.row == first_row + 3 and last.text == "已处理。\n谢谢。"
    assert last.fields["date"] == "2020-01-02"


def test_xlsx_rows_by_synonym_headers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "t.xlsx", HEADERS, ROWS)
    _check_synonym_rows(read_file(path), "t.xlsx", first_row=2)


def test_xlsx_header_below_a_title_line(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "t.xlsx", HEADERS, ROWS, title="2019年留言汇总")
    _check_synonym_rows(read_file(path), "t.xlsx", first_row=3)


def test_csv_in_gbk_with_synonym_headers(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows([[cell_str(c) for c in row] for row in ROWS])
    path = _write(tmp_path / "t.csv", buffer.getvalue().encode("gbk"))
    _check_synonym_rows(read_file(path), "t.csv", first_row=2)


def test_tab_separated_csv_in_utf8_sig(tmp_path: Path) -> None:
    text = "标题\t答复内容\n路灯\t已修复\n"
    [record] = read_file(_write(tmp_path / "t.csv", text.encode("utf-8-sig")))
    assert record.fields == {"title": "路灯", "body": "已修复"}


def test_jsonl_rows_with_a_bad_line_kept_in_order(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 7, "title": "停车难", "body": "已增设车位。", "date": "2019-05-10"}),
        "{not json",
        "",
        json.dumps({"题目": "路灯", "回复内容": "已修复。", "部门": "城管局"}, ensure_ascii=False),
        "[1, 2]",
    ]
    items = read_file(_write(tmp_path / "t.jsonl", "\n".join(lines).encode()))
    assert [type(item).__name__ for item in items] == [
        "RawRecord",
        "Skipped",
        "RawRecord",
        "Skipped",
    ]
    assert items[0].fields == {
        "id": "7",
        "title": "停车难",
        "body": "已增设车位。",
        "date": "2019-05-10",
    }
    assert items[1].reason.startswith("line 2: not valid JSON")
    assert items[2].source == Source("t.jsonl", 4)
    assert items[2].fields == {"title": "路灯", "body": "已修复。", "issuer": "城管局"}
    assert items[3].reason.startswith("line 5:")


def test_jsonl_without_objects_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="one JSON object per line"):
        read_file(_write(tmp_path / "t.jsonl", b"[1, 2]\n"))


def test_column_map_overrides_synonyms(tmp_path: Path) -> None:
    headers = ["编号", "主题", "答复意见", "最终回复"]
    path = _xlsx(tmp_path / "t.xlsx", headers, [["9", "路灯", "草稿", "已修复。"]])
    [plain] = read_file(path)
    assert plain.text == "草稿"
    [mapped] = read_file(path, column_map=parse_column_map("body=最终回复，title= 主题 "))
    assert mapped.text == "已修复。"
    assert mapped.fields == {"id": "9", "title": "路灯", "body": "已修复。"}


def test_question_only_table_uses_the_question_as_text(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "t.xlsx", ["留言编号", "留言详情"], [[1, "小区停车难"]])
    [record] = read_file(path)
    assert record.text == "小区停车难" and record.fields == {"id": "1", "question": "小区停车难"}


def test_table_without_text_column_names_what_it_found(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "t.xlsx", ["姓名", "电话"], [["张三", "123"]])
    with pytest.raises(TableError) as info:
        read_file(path)
    message = str(info.value)
    for expected in ("t.xlsx", "姓名", "电话", "答复意见", "留言详情", "--columns"):
        assert expected in message
    assert isinstance(info.value, ValueError)


def test_column_map_naming_a_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", "标题,答复内容\n路灯,已修复\n".encode())
    with pytest.raises(TableError, match="names 回复正文, which is not a column"):
        read_file(path, column_map={"body": "回复正文"})
    with pytest.raises(ValueError, match="unknown column name 'answer'"):
        read_file(path, column_map={"answer": "答复内容"})


def test_damaged_xlsx_and_empty_table(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "t.xlsx", HEADERS, ROWS).read_bytes()
    with pytest.raises(ReadError, match=r"not a readable \.xlsx"):
        read_file(_write(tmp_path / "cut.xlsx", good[: len(good) // 2]))
    with pytest.raises(ReadError, match="no rows"):
        read_file(_write(tmp_path / "e.csv", b"\n\n,,\n"))


def test_parse_column_map() -> None:
    assert parse_column_map("body=答复内容,title=主题") == {"body": "答复内容", "title": "主题"}
    assert parse_column_map(" Body＝答复 内容，") == {"body": "答复 内容"}
    for spec, problem in [
        ("answer=答复", "unknown column name 'answer'.*id, title, question, body, date, issuer"),
        ("body", "bad column map entry 'body'"),
        ("body=", "bad column map entry"),
        ("", "empty column map"),
        ("body=a,body=b", "given twice"),
    ]:
        with pytest.raises(ValueError, match=problem):
            parse_column_map(spec)


def test_cell_values_as_text() -> None:
    assert cell_str(3.0) == "3" and cell_str(2.5) == "2.5" and cell_str(None) == ""
    assert cell_str(dt.datetime(2020, 1, 2, 3, 4, 5)) == "2020-01-02 03:04:05"
    assert cell_str(dt.datetime(2020, 1, 2)) == "2020-01-02"
    assert cell_str(" a\r\nb ") == "a\nb"


# --- corpus ----------------------------------------------------------------------------------


def test_read_corpus_walks_sorted_skips_bad_files_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    _write(corpus / "b.txt", "第二份答复".encode("gbk"))
    _write(corpus / "a" / "z.md", "第一份答复".encode())
    _write(corpus / "bad.txt", b"\x00" * 64)
    _write(corpus / "cut.docx", _docx_bytes()[:500])
    _write(corpus / "README.md", "语料说明".encode())
    _write(corpus / ".hidden.txt", "隐藏".encode())
    _write(corpus / ".git" / "c.txt", "隐藏".encode())
    _write(corpus / "~$t.xlsx", b"lock")
    _write(corpus / "notes.doc", b"old word")
    single = _write(tmp_path / "one.txt", "单独文件".encode())
    with caplog.at_level(logging.WARNING, logger="index.read"):
        items = list(read_corpus([corpus, single]))
    assert [
        (type(i).__name__, i.source.path if isinstance(i, RawRecord) else i.path) for i in items
    ] == [
        ("RawRecord", "a/z.md"),
        ("RawRecord", "b.txt"),
        ("Skipped", "bad.txt"),
        ("Skipped", "cut.docx"),
        ("Skipped", "notes.doc"),  # a format we do not read is named, never ignored
        ("RawRecord", "one.txt"),
    ]
    assert items[1].text == "第二份答复"
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("bad.txt" in m and "NUL" in m for m in warned)
    assert any("cut.docx" in m and "docx" in m for m in warned)
    assert any("notes.doc" in m and "另存为 .docx" in m for m in warned)


def test_read_corpus_missing_path_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="corpus path not found"):
        read_corpus([tmp_path / "missing"])  # raised before any iteration


def test_read_corpus_skips_a_table_without_text_column(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", "答复".encode())
    _xlsx(tmp_path / "b.xlsx", ["姓名"], [["张三"]])
    _write(tmp_path / "c.txt", "另一份答复".encode())
    items = list(read_corpus([tmp_path]))
    assert [type(i).__name__ for i in items] == ["RawRecord", "Skipped", "RawRecord"]
    assert isinstance(items[1], Skipped) and "姓名" in items[1].reason
    with pytest.raises(TableError):  # read on its own, the table is still an error
        read_file(tmp_path / "b.xlsx")


def test_read_corpus_applies_column_map(tmp_path: Path) -> None:
    _write(tmp_path / "t.csv", "主题,回复\n路灯,已修复\n".encode())
    [record] = read_corpus([tmp_path], column_map={"body": "回复", "title": "主题"})
    assert record.fields == {"title": "路灯", "body": "已修复"} and record.source == Source(
        "t.csv", 2
    )


# --- the real data ---------------------------------------------------------------------------


def test_real_tipdm4_rows(tipdm4_path: Path) -> None:
    items = read_file(tipdm4_path)
    records = _records(items)
    assert len(items) == len(records) == 2816
    for name in ("id", "title", "question", "body", "date"):
        assert all(record.fields.get(name) for record in records), name
    assert all(record.text == record.fields["body"] for record in records)
    first = records[0]
    assert first.source == Source("附件4.xlsx", 2) and first.fields["id"] == "2549"
    assert records[-1].source.row == 2817
    assert not first.fields["question"].startswith(("\n", "\t"))


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ReadError, match=r"not a readable \.xlsx"):
        read_file(_write(tmp_path / "z.xlsx", buffer.getvalue()))
