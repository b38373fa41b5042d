"""Tables → raw records: one :class:`RawRecord` per row of an .xlsx, .csv or .jsonl file.

Columns are found by their header, with the Chinese synonyms message boards and 办理 systems
export (``答复意见``, ``回复内容``, …), or named explicitly with a column map (the CLI's
``--columns body=答复内容,title=主题``). ``index.read`` re-exports the public names here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from index.reply import RawRecord, Skipped, Source

logger = logging.getLogger(__name__)

Row = Sequence[object]
Item = RawRecord | Skipped


class ReadError(Exception):
    """A file that cannot be read at all (empty, binary, truncated, undecodable); says why."""


class TableError(ValueError):
    """A table whose columns cannot be mapped: a user error, fixed by naming the columns."""


# Canonical name → accepted headers, most specific first: when a table has two columns that
# match one name (e.g. 编号 and 序号), the earlier synonym wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("留言编号", "编号", "序号", "id"),
    "title": ("留言主题", "标题", "题目", "title"),
    "question": ("留言详情", "来信内容", "问题描述", "question"),
    "body": ("答复意见", "答复内容", "回复内容", "办理答复", "body"),
    "date": ("答复时间", "办理时间", "日期", "date"),
    "issuer": ("承办单位", "答复单位", "部门", "issuer"),
}
CANONICAL_FIELDS: tuple[str, ...] = tuple(SYNONYMS)
TEXT_FIELDS: tuple[str, ...] = ("body", "question")
# Exports often put a title line ("2019年留言汇总") above the header; look this far down for it.
HEADER_SEARCH_ROWS = 10
_WHITESPACE = re.compile(r"\s+")
_MAP_EXAMPLE = "body=答复内容,title=主题"


def parse_column_map(spec: str) -> dict[str, str]:
    """Parse ``"body=答复内容,title=主题"`` into ``{"body": "答复内容", "title": "主题"}``.

    Entries are separated by ``,`` or ``，``; names must be canonical (id, title, question,
    body, date, issuer). Raises ValueError saying what is wrong and how to write it.
    """
    entries = [entry.strip() for entry in re.split(r"[,，]", spec) if entry.strip()]
    if not entries:
        raise ValueError(f"empty column map; write it as e.g. '{_MAP_EXAMPLE}'")
    result: dict[str, str] = {}
    for entry in entries:
        name, sep, header = (part.strip() for part in entry.replace("＝", "=").partition("="))
        if not sep or not name or not header:
            raise ValueError(
                f"bad column map entry {entry!r}; write name=header, e.g. 'body=答复内容'"
            )
        if name.lower() in result:
            raise ValueError(f"column {name!r} is given twice in the column map {spec!r}")
        result[name.lower()] = header
    check_column_map(result)
    return result


def check_column_map(column_map: Mapping[str, str]) -> None:
    """Raise ValueError unless every key is a canonical name and every header is non-empty."""
    for name, header in column_map.items():
        if name not in SYNONYMS:
            known = ", ".join(CANONICAL_FIELDS)
            raise ValueError(f"unknown column name {name!r} in the column map; use one of: {known}")
        if not isinstance(header, str) or not header.strip():
            raise ValueError(f"the column map gives no header for {name!r}; e.g. 'body=答复内容'")


def read_xlsx(data: bytes, rel_path: str, column_map: Mapping[str, str] | None) -> list[Item]:
    """Rows of the first worksheet of an .xlsx workbook (read-only, cached values)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ParseError, ValueError) as exc:
        raise ReadError(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); is it truncated, "
            "or an old .xls renamed? Re-save it from Excel as .xlsx"
        ) from exc
    try:
        if not workbook.worksheets:
            raise ReadError("the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        others = [ws.title for ws in workbook.worksheets[1:] if (ws.max_row or 0) > 1]
        if others:
            logger.warning(
                "%s: reading only its first sheet %r; ignored %s", rel_path, sheet.title, others
            )
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        return list(_table_items(rows, rel_path, column_map))
    except (BadZipFile, zlib.error, EOFError, ParseError) as exc:
        raise ReadError(f"the workbook is damaged ({type(exc).__name__}: {exc})") from exc
    finally:
        workbook.close()


def read_csv(text: str, rel_path: str, column_map: Mapping[str, str] | None) -> list[Item]:
    """Rows of a decoded CSV file; tab-separated when the header line has tabs but no commas."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    try:
        return list(_table_items(rows, rel_path, column_map))
    except csv.Error as exc:
        raise ReadError(f"malformed CSV ({exc}); check its quoting") from exc


def read_jsonl(text: str, rel_path: str, column_map: Mapping[str, str] | None) -> list[Item]:
    """One JSON object per line (JSON Lines); a line that is not an object is Skipped."""
    objects: list[tuple[int, dict[str, object]]] = []
    bad: list[tuple[int, Item]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((number, Skipped(rel_path, f"line {number}: not valid JSON ({exc.msg})")))
            continue
        if not isinstance(value, dict):
            kind = type(value).__name__
            bad.append((number, Skipped(rel_path, f"line {number}: a JSON {kind}, not an object")))
            continue
        objects.append((number, value))
    if not objects:
        raise ReadError("no JSON object found; a .jsonl file holds one JSON object per line")
    # Lines may differ in their keys (``body`` in one, ``回复内容`` in the next): map each key set.
    mappings = {keys: _usable_mapping(keys, column_map) for keys in {tuple(o) for _, o in objects}}
    if not any(mappings.values()):
        union = list(dict.fromkeys(key for _, obj in objects for key in obj))
        raise TableError(_no_text_column_message([union], rel_path, column_map))
    items = bad
    for number, obj in objects:
        keys = tuple(obj)
        mapping = mappings[keys]
        if mapping is None:
            reason = f"line {number}: no body or question key among {', '.join(keys)}"
            items.append((number, Skipped(rel_path, reason)))
        else:
            items.extend(_row_items([(number, list(obj.values()))], mapping, keys, rel_path))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def cell_str(value: object) -> str:
    """A cell as text: dates ISO, whole numbers without ``.0``, strings stripped, ``\\n`` lines."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, dt.datetime):
        # Excel stores a plain date as midnight; showing 00:00:00 would invent a time.
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _norm_header(value: object) -> str:
    return _WHITESPACE.sub("", cell_str(value)).lower()


def _map_columns(headers: Row, column_map: Mapping[str, str] | None) -> dict[str, int] | None:
    """Canonical name → column index: the explicit map first, synonyms for the rest.

    None when a header the column map names is not in this row.
    """
    normed = [_norm_header(h) for h in headers]
    mapping: dict[str, int] = {}
    for name, header in (column_map or {}).items():
        if _norm_header(header) not in normed:
            return None
        mapping[name] = normed.index(_norm_header(header))
    taken = set(mapping.values())
    for name, synonyms in SYNONYMS.items():
        if name in mapping:
            continue
        for synonym in synonyms:
            free = [i for i, h in enumerate(normed) if h == synonym and i not in taken]
            if free:
                mapping[name] = free[0]
                taken.add(free[0])
                break
    return mapping


def _usable_mapping(headers: Row, column_map: Mapping[str, str] | None) -> dict[str, int] | None:
    """The mapping of ``headers`` if it has a body or question column, else None."""
    mapping = _map_columns(headers, column_map)
    if mapping is not None and any(name in mapping for name in TEXT_FIELDS):
        return mapping
    return None


def _map_or_raise(
    candidates: Sequence[Row], rel_path: str, column_map: Mapping[str, str] | None
) -> tuple[dict[str, int], int]:
    """Mapping of the first candidate header row that has a text column, and its index."""
    for index, headers in enumerate(candidates):
        mapping = _usable_mapping(headers, column_map)
        if mapping is not None:
            return mapping, index
    raise TableError(_no_text_column_message(candidates, rel_path, column_map))


def _no_text_column_message(
    candidates: Sequence[Row], rel_path: str, column_map: Mapping[str, str] | None
) -> str:
    # A title line may sit above the header; the fullest row is the likeliest header.
    header = max(candidates, key=lambda row: sum(1 for c in row if cell_str(c)), default=())
    found = [cell_str(h) for h in header if cell_str(h)]
    normed = {_norm_header(h) for h in found}
    missing = [h for h in (column_map or {}).values() if _norm_header(h) not in normed]
    if missing:
        problem = f"the column map names {', '.join(missing)}, which is not a column"
    elif column_map:
        problem = "the column map names no body or question column and none was recognised"
    else:
        problem = "no column with the reply (body) or the question text"
    accepted = "; ".join(f"{name}: {'/'.join(SYNONYMS[name])}" for name in TEXT_FIELDS)
    return (
        f"{rel_path}: {problem}. Columns found: {', '.join(found) or '(none)'}. "
        f"Accepted headers — {accepted}. Or name the columns with column_map "
        f"(CLI: --columns {_MAP_EXAMPLE})."
    )


def _table_items(
    rows: Iterator[tuple[int, Row]], rel_path: str, column_map: Mapping[str, str] | None
) -> Iterator[Item]:
    """Find the header among the first non-empty rows, then turn each later row into an item."""
    candidates: list[tuple[int, Row]] = []
    for number, row in rows:
        if any(cell_str(cell) for cell in row):
            candidates.append((number, row))
        if len(candidates) == HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise ReadError("the table has no rows")
    mapping, index = _map_or_raise([row for _, row in candidates], rel_path, column_map)
    later = itertools.chain(candidates[index + 1 :], rows)
    empty = True
    for _, item in _row_items(later, mapping, candidates[index][1], rel_path):
        empty = False
        yield item
    if empty:
        raise ReadError(
            f"表格只有表头（第 {candidates[index][0]} 行），没有数据行：请填入答复后再建索引"
            " (the table has a header but no rows)"
        )


def _row_items(
    rows: Iterable[tuple[int, Row]], mapping: Mapping[str, int], headers: Row, rel_path: str
) -> Iterator[tuple[int, Item]]:
    """(row number, item) per non-blank row; text is the body, or the question if no body column."""
    text_field = "body" if "body" in mapping else "question"
    text_header = cell_str(headers[mapping[text_field]])
    for number, row in rows:
        fields: dict[str, str] = {}
        for name, column in mapping.items():
            value = cell_str(row[column]) if column < len(row) else ""
            if value:
                fields[name] = value
        text = fields.get(text_field, "")
        if text:
            yield number, RawRecord(source=Source(rel_path, number), text=text, fields=fields)
        elif any(cell_str(cell) for cell in row):  # a wholly blank row is not a record
            reason = f"row {number}: empty {text_header} ({text_field}); nothing to index"
            yield number, Skipped(rel_path, reason)
