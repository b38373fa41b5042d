"""Corpus files → raw records: one reader per format, encoding told from the bytes.

A text-like file (.txt .md .docx .pdf .html .htm) becomes one :class:`RawRecord` holding its
whole text; a table (.xlsx .csv .jsonl, see :mod:`index.read_tables`) becomes one per row.
A file that cannot be read raises :class:`ReadError` from :func:`read_file`; :func:`read_corpus`
turns that into a :class:`Skipped` with a warning, so one bad file never stops the rest.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from tqdm import tqdm

from index.encoding import decode_bytes
from index.read_tables import (
    ReadError,
    TableError,
    check_column_map,
    parse_column_map,
    read_csv,
    read_jsonl,
    read_xlsx,
)
from index.reply import RawRecord, Skipped, Source

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ReadError",
    "TableError",
    "corpus_names",
    "decode_bytes",
    "parse_column_map",
    "read_corpus",
    "read_file",
]

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
DOCUMENT_SUFFIXES = frozenset({".docx", ".pdf", ".html", ".htm"})
TABLE_SUFFIXES = frozenset({".xlsx", ".csv", ".jsonl"})
SUPPORTED_SUFFIXES: frozenset[str] = TEXT_SUFFIXES | DOCUMENT_SUFFIXES | TABLE_SUFFIXES
NO_TEXT_LAYER = "no text layer (scanned PDF?) — OCR it first"

# Formats people keep replies in that we do not read: each is named in the build summary
# with what to convert it to, never ignored in silence. Other suffixes (code, images of
# the site, .gitattributes…) are not replies and are ignored with a debug line.
_SAVE_AS_DOCX = "请用 Word 或 WPS 打开后另存为 .docx"
CONVERT_ADVICE: dict[str, str] = {
    ".doc": f"旧版 Word 文档 (.doc) 读不了：{_SAVE_AS_DOCX}",
    ".dot": f"Word 模板 (.dot) 读不了：{_SAVE_AS_DOCX}",
    ".docm": f"带宏的 Word 文档 (.docm) 读不了：{_SAVE_AS_DOCX}",
    ".wps": f"WPS 文字文档 (.wps) 读不了：{_SAVE_AS_DOCX}",
    ".wpt": f"WPS 模板 (.wpt) 读不了：{_SAVE_AS_DOCX}",
    ".rtf": f"RTF 文档 (.rtf) 读不了：{_SAVE_AS_DOCX}",
    ".odt": f"OpenDocument 文档 (.odt) 读不了：{_SAVE_AS_DOCX}",
    ".ofd": "OFD 版式文件 (.ofd) 读不了：请用数科或福昕 OFD 阅读器导出为 .pdf（带文字层）或 .docx",
    ".xls": "旧版 Excel 表格 (.xls) 读不了：请用 Excel 或 WPS 另存为 .xlsx",
    ".et": "WPS 表格 (.et) 读不了：请另存为 .xlsx",
    ".ods": "OpenDocument 表格 (.ods) 读不了：请另存为 .xlsx",
    ".xlsm": "带宏的 Excel 表格 (.xlsm) 读不了：请另存为 .xlsx",
    ".tsv": "制表符分隔的表格请改名为 .csv（表头一行，每行一条答复）",
    ".json": "JSON 文件请改为 .jsonl：每行一个 JSON 对象，一条答复一行",
    ".mht": "网页存档 (.mht) 读不了：请在浏览器中另存为 .html",
    ".mhtml": "网页存档 (.mhtml) 读不了：请在浏览器中另存为 .html",
    ".jpg": "图片 (.jpg) 没有文字：请先做文字识别（OCR），保存为 .docx 或 .txt",
    ".jpeg": "图片 (.jpeg) 没有文字：请先做文字识别（OCR），保存为 .docx 或 .txt",
    ".png": "图片 (.png) 没有文字：请先做文字识别（OCR），保存为 .docx 或 .txt",
    ".tif": "图片 (.tif) 没有文字：请先做文字识别（OCR），保存为 .docx 或 .txt",
    ".tiff": "图片 (.tiff) 没有文字：请先做文字识别（OCR），保存为 .docx 或 .txt",
    ".zip": "压缩包 (.zip) 不会自动解开：请先解压到语料文件夹",
    ".rar": "压缩包 (.rar) 不会自动解开：请先解压到语料文件夹",
    ".7z": "压缩包 (.7z) 不会自动解开：请先解压到语料文件夹",
}

_SPACES = re.compile(r"\s+")
_DROP_TAGS = ("script", "style", "noscript", "template", "title")  # title: not shown on the page
_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tr ul".split()
)


def _docx_text(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ReadError(
            f"not a readable .docx ({type(exc).__name__}: {exc}); is it truncated, or an old "
            ".doc renamed? Re-save it from Word as .docx"
        ) from exc
    return "\n".join(_docx_lines(document.iter_inner_content()))


def _docx_lines(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    """Paragraphs in order; a table row as its cells' text joined by tabs."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        # Merged cells repeat across the grid; keep each once. Hold the elements themselves:
        # lxml proxies are recycled, so an id() could match a different, freed cell.
        seen: set[object] = set()
        for row in block.rows:
            texts = []
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    texts.append("\n".join(_docx_lines(cell.iter_inner_content())))
            yield "\t".join(text for text in texts if text.strip())


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError("the PDF is password-protected; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ReadError(
            f"not a readable PDF ({type(exc).__name__}: {exc}); is it truncated? Export it again"
        ) from exc
    return "\n\n".join(page.strip("\n") for page in pages)


def _html_text(data: bytes) -> str:
    """Visible text, a line per block element; script, style and <title> dropped."""
    soup = BeautifulSoup(decode_bytes(data)[0], "html.parser")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for string in soup.find_all(string=True):
        # Comments, doctypes and CDATA are subclasses; get_text leaves them out anyway.
        if type(string) is NavigableString and not string.find_parent(["pre", "textarea"]):
            string.replace_with(_SPACES.sub(" ", string))
    for tag in soup.find_all(True):
        if tag.name == "br":
            tag.replace_with("\n")
        elif tag.name in ("td", "th"):
            tag.append("\t")
        elif tag.name in _BLOCK_TAGS:
            tag.insert_before("\n")
            tag.append("\n")
    lines = (line.strip() for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


_DOCUMENT_READERS: dict[str, Callable[[bytes], str]] = {
    ".docx": _docx_text,
    ".pdf": _pdf_text,
    ".html": _html_text,
    ".htm": _html_text,
}


def read_file(
    path: Path, *, root: Path | None = None, column_map: Mapping[str, str] | None = None
) -> list[RawRecord | Skipped]:
    """Read one corpus file into raw records (one per file, or one per table row).

    ``source.path`` is ``path`` relative to ``root`` in posix form, or the file name when
    ``root`` is None. ``column_map`` (canonical name → header) overrides the header synonyms
    for tables. Raises :class:`ReadError` (message = the reason) for an unsupported, empty,
    binary, undecodable or damaged file, and :class:`TableError` for a table without a
    body/question column. A PDF without a text layer yields a :class:`Skipped`.
    """
    path = Path(path)
    rel_path = _relative_name(path, root)
    if path.is_symlink() and not path.exists():
        raise ReadError(_broken_link(path))
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        advice = CONVERT_ADVICE.get(suffix, "convert it to one of those first")
        raise ReadError(
            f"unsupported file type '{suffix or path.name}'; supported: "
            f"{' '.join(sorted(SUPPORTED_SUFFIXES))}. {advice}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from exc
    if not data:
        raise ReadError("empty file (0 bytes)")
    if suffix in TABLE_SUFFIXES:
        return _read_table(data, suffix, rel_path, column_map)
    return _read_document(data, suffix, rel_path)


def _broken_link(path: Path) -> str:
    """Why a symbolic link cannot be read: it loops back on itself, or its target is gone."""
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop as RuntimeError
        return f"符号链接循环（{path.name} 最终又指回自己）：请删除该链接或改为指向真实文件"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"符号链接循环（{path.name} 最终又指回自己）：请删除该链接或改为指向真实文件"
    return f"符号链接指向的文件不存在（{os.readlink(path)}）：请删除该链接或恢复目标文件"


def _read_document(data: bytes, suffix: str, rel_path: str) -> list[RawRecord | Skipped]:
    if suffix in TEXT_SUFFIXES:
        text, encoding = decode_bytes(data)
        logger.debug("%s: decoded as %s", rel_path, encoding)
    else:
        text = _DOCUMENT_READERS[suffix](data)
    if not text.strip():
        if suffix == ".pdf":
            return [Skipped(rel_path, NO_TEXT_LAYER)]
        raise ReadError("the document holds no text (only images?)")
    return [RawRecord(source=Source(rel_path), text=text)]


def _read_table(
    data: bytes, suffix: str, rel_path: str, column_map: Mapping[str, str] | None
) -> list[RawRecord | Skipped]:
    if column_map is not None:
        check_column_map(column_map)
    if suffix == ".xlsx":
        return read_xlsx(data, rel_path, column_map)
    text, encoding = decode_bytes(data)
    logger.debug("%s: decoded as %s", rel_path, encoding)
    reader = read_csv if suffix == ".csv" else read_jsonl
    return reader(text, rel_path, column_map)


def _relative_name(path: Path, root: Path | None) -> str:
    if root is None:
        return path.name
    try:
        return path.absolute().relative_to(Path(root).absolute()).as_posix()
    except ValueError as exc:
        raise ValueError(f"{path} is not inside the corpus root {root}") from exc


def read_corpus(
    paths: Sequence[Path],
    *,
    column_map: Mapping[str, str] | None = None,
    progress: bool = False,
) -> Iterator[RawRecord | Skipped]:
    """Read files and folders (walked recursively, sorted) into raw records, lazily.

    A folder is the root its files' ``source.path`` is relative to; a file's root is its
    parent. Hidden entries, Office lock files (``~$…``) and suffixes that are no reply format
    inside a folder are ignored (debug log); a document format we do not read (.doc, .wps,
    .ofd…, see :data:`CONVERT_ADVICE`) is read so that it is skipped with advice. A
    :class:`ReadError` or :class:`TableError` (a table without a text column, a symlink that
    loops or dangles) becomes a :class:`Skipped` with a warning, so one bad file never stops
    the rest. Raises FileNotFoundError at once for a missing path.
    """
    if column_map is not None:
        check_column_map(column_map)
    files = [pair for path in paths for pair in _corpus_files(Path(path))]
    return _read_all(files, column_map, progress)


def corpus_names(paths: Sequence[Path]) -> set[str]:
    """The ``source.path`` names a build of ``paths`` would give its files (nothing is read).

    Raises FileNotFoundError for a missing path, as :func:`read_corpus` does.
    """
    return {_relative_name(f, root) for path in paths for f, root in _corpus_files(Path(path))}


def _read_all(
    files: list[tuple[Path, Path]], column_map: Mapping[str, str] | None, progress: bool
) -> Iterator[RawRecord | Skipped]:
    for path, root in tqdm(files, desc="reading", unit="file", disable=not progress):
        try:
            items = read_file(path, root=root, column_map=column_map)
        except (ReadError, TableError) as exc:
            rel_path = _relative_name(path, root)
            logger.warning("skipped %s: %s", rel_path, exc)
            yield Skipped(rel_path, str(exc))
            continue
        yield from items


def _corpus_files(path: Path) -> list[tuple[Path, Path]]:
    """(file, root) pairs under ``path``, sorted by their path relative to the root."""
    if not path.exists():
        raise FileNotFoundError(f"corpus path not found: {path} (check the spelling)")
    if not path.is_dir():
        return [(path, path.parent)]
    found: list[tuple[Path, Path]] = []
    for folder, dirnames, filenames in os.walk(path):
        dirnames[:] = [name for name in dirnames if not _ignored_name(name)]
        for name in filenames:
            file = Path(folder, name)
            suffix = file.suffix.lower()
            if _ignored_name(name) or suffix not in SUPPORTED_SUFFIXES | CONVERT_ADVICE.keys():
                logger.debug("ignored %s: hidden, lock file, README or not a reply format", file)
            else:
                found.append((file, path))
    return sorted(found, key=lambda pair: pair[0].relative_to(path).as_posix())


def _ignored_name(name: str) -> bool:
    # A README in a corpus folder documents the corpus; it is not a reply.
    return name.startswith((".", "~$")) or name.lower() in {"readme.md", "readme.txt"}
