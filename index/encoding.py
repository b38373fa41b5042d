"""Telling a text file's encoding from its bytes (UTF-8, UTF-16, GB18030/GBK, …).

Cheap, decisive checks come first — a byte-order mark, strict UTF-8, GB18030 that reads as
Chinese — because charset-normalizer, the fallback, misjudges short Chinese text.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from index.read_tables import ReadError

__all__ = ["decode_bytes"]

# A BOM is the strongest evidence there is; UTF-32's must be tried before UTF-16's (same start).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What Chinese and English documents are made of (ASCII, Latin-1, punctuation, CJK, full-width);
# text decoded with the wrong codec lands mostly outside these ranges.
_UNCOMMON = re.compile(
    "[^\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u27bf\u2e80-\u2fdf\u3000-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")  # \f kept: PDFs use it between pages
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_MAX_ODD_SHARE = 0.02


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes, telling the encoding from the bytes themselves.

    Tries, in order: a byte-order mark; BOM-less UTF-16 (when NUL bytes or the text say so);
    strict UTF-8; GB18030 (a superset of GBK/GB2312) when the result reads as Chinese; then
    charset-normalizer. Returns ``(text with \\n newlines, encoding name)``; raises
    :class:`ReadError` for empty, binary or undecodable data.
    """
    if not data.strip():
        raise ReadError("empty file")
    text, encoding = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(f"no text: decoded as {encoding}, it holds only whitespace")
    if len(_CONTROL.findall(text)) > 0.01 * len(text):
        raise ReadError(f"binary data, not text (as {encoding} it is full of control characters)")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                msg = f"starts with a {encoding} byte-order mark but is not valid {encoding}"
                raise ReadError(f"{msg} (truncated?); re-save it as UTF-8") from exc
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise ReadError("binary data, not text (it holds NUL bytes and is not UTF-16)")
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass  # not UTF-8: the candidates below are tried next
    for attempt in (_utf16_without_bom, _gb18030, _detected):
        found = attempt(data)
        if found is not None:
            return found
    raise ReadError(
        "could not tell the text encoding (tried UTF-8, UTF-16, GB18030 and detection); "
        "save the file as UTF-8"
    )


def _reads_well(text: str) -> bool:
    return bool(text) and len(_UNCOMMON.findall(text)) <= _MAX_ODD_SHARE * len(text)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    if len(data) % 2:
        return None
    # ASCII in UTF-16-LE puts its NULs at odd offsets; try the byte order they point to first.
    little_first = data[1::2].count(0) >= data[0::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be") if little_first else ("utf-16-be", "utf-16-le"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _reads_well(text):
            return text, encoding
    return None


def _gb18030(data: bytes) -> tuple[str, str] | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return (text, "gb18030") if _reads_well(text) and _CJK.search(text) else None


def _detected(data: bytes) -> tuple[str, str] | None:
    best = charset_normalizer.from_bytes(data).best()
    return None if best is None else (str(best), best.encoding)
