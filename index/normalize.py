"""Text clean-up for replies: character normalisation, PDF page-break repair, markdown removal.

Replies arrive converted from PDF, Word or web pages. The converters leave full-width
digits (２０２２年), spaces around numbers (协助 147 家企业), page breaks that split a word
across a blank line (深\\n\\n入贯彻) and markdown heading marks used at random levels.
These helpers undo that so the parser and the indexer see one consistent text.
"""

from __future__ import annotations

import datetime as dt
import re

# Full-width digits and Latin letters only: Chinese full-width punctuation （）：，！ is the
# genre's normal punctuation and must stay. ％ is folded too so amounts read one way.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_FULLWIDTH[ord("％")] = ord("%")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_ODD_SPACE_RE = re.compile(r"[\t\xa0\u2000-\u200a\u202f\u205f\u3000 ]+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"
_SPACE_BEFORE_NUM_RE = re.compile(rf"(?<=[{_CJK}]) (?=[-+]?\d)")
_SPACE_AFTER_NUM_RE = re.compile(rf"(?<=[\d%]) (?=[{_CJK}])")
_FULLWIDTH_DOT_RE = re.compile(r"(?<=\d)．(?=\d)")

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_NUM = "〇零○O一二两三四五六七八九十"
DATE_RE = re.compile(
    rf"(?P<y>\d{{4}}|[{_CN_NUM}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*日"
)
_NUMERIC_DATE_RE = re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})")

# Chinese outline numbering, deepest last. Markdown '#' levels are ignored: converters
# use ###, ## and #### for the same level, the numbering is what the author meant.
_CN = "一二三四五六七八九十"
NUMBERING: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{_CN}]{{1,3}}\s*[、.．]")),
    (2, re.compile(rf"^[（(]\s*[{_CN}]{{1,3}}\s*[）)]")),
    (3, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
    (5, re.compile(r"^[①-⑳]")),
)
NUMBER_PREFIX_RE = re.compile(
    "^(?:" + "|".join(p.pattern.lstrip("^") for _, p in NUMBERING) + r")\s*"
)
_MD_HEADING_RE = re.compile(r"^#{1,6}\s*")
_MD_RULE_RE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_MD_BOLD_RE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$"
)
_SENTENCE_END = "。！？：；…”!?:;"
# Lines that stand alone in the header or the tail of a formal reply: never glued to a
# neighbour even though they end without punctuation.
_STANDALONE_RE = re.compile(
    r"^(?:签\s*发\s*人|办\s*理\s*结\s*果|类\s*别|联\s*系|抄\s*[送报]|主\s*题\s*词|附\s*件"
    r"|[（(【\[]?\s*[A-Ca-c]\s*类?\s*[）)】\]]?$)"
    r"|(?:委员|代表|同志|网友)[：:]$"
    # A salutation ("市发展改革委：") on its own line.
    r"|^[^，。；：,;:]{2,30}[：:]$"
)
_DOC_NUMBER_LINE_RE = re.compile(
    r"^[\u4e00-\u9fff]{1,8}\s*[〔\[［（(【]\s*\d{4}\s*[〕\]］）)】]\s*\d+\s*号$"
)
_MIN_BROKEN_LINE = 12  # a page break cuts a paragraph that filled at least part of a page
# A first line without clause punctuation is the document's title, whatever its length.
_CLAUSE_PUNCT_RE = re.compile(r"[，,、；;。]")
# A greeting opens a new paragraph; it never continues the line before a page break.
_GREETING_RE = re.compile(
    r"^(?:网友|您好|你好|尊敬的|各位|[^，。；：,;:]{1,20}(?:委员|代表|同志|先生|女士)[：:，,])"
)


def normalize_text(text: str) -> str:
    """Fold full-width digits/letters, tidy whitespace and close the gaps around numbers.

    Full-width digits and Latin letters (and ％) become ASCII; Chinese punctuation is kept.
    Each line is stripped, odd spaces (tab, NBSP, ideographic space) become one space, the
    space between a Chinese character and a number is removed ("2022 年" -> "2022年") while
    spaces between Latin words stay, and runs of blank lines shrink to one.

    >>> normalize_text("协助 147 家企业，２０２２ 年")
    '协助147家企业，2022年'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_FULLWIDTH)
    text = _FULLWIDTH_DOT_RE.sub(".", text)
    lines: list[str] = []
    for raw_line in text.split("\n"):
        line = _ODD_SPACE_RE.sub(" ", raw_line).strip()
        line = _SPACE_AFTER_NUM_RE.sub("", _SPACE_BEFORE_NUM_RE.sub("", line))
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def heading_level(line: str) -> int | None:
    """The outline level of a line that starts with Chinese numbering, else ``None``.

    一、 -> 1, （一） -> 2, 1. / 1、 -> 3, （1） -> 4, ① -> 5; markdown '#' and bold marks
    in front are ignored.
    """
    bare = _MD_BOLD_RE.sub(lambda m: m[1] or m[2], _MD_HEADING_RE.sub("", line.strip()))
    bare = bare.lstrip("*_ ")
    for level, pattern in NUMBERING:
        if pattern.match(bare):
            return level
    return None


def repair_page_breaks(text: str) -> str:
    """Join lines that a PDF page break split across a blank line.

    The line before the blank is joined to the next one when it does not end with
    sentence-final punctuation (。！？：；…”), neither line is a heading, and neither is a
    header or tail line that stands alone (文号, 签发人, a date, 联系人, a rule…), the
    first line is not a title (no clause punctuation) and the next does not open with a
    greeting (网友您好…). Page numbers such as "- 3 -" between the two are dropped.

    >>> repair_page_breaks("市工信局深\\n\\n入贯彻落实。")
    '市工信局深入贯彻落实。'
    """
    out: list[str] = []
    pending_blank = page_number = False
    for line in text.split("\n"):
        if not line.strip() or _PAGE_NUMBER_RE.match(line.strip()):
            pending_blank = pending_blank or bool(out)
            page_number = page_number or bool(line.strip())
            continue
        # The first line is the title unless a page number proves a page ended after it.
        is_title = len(out) == 1 and not page_number and not _CLAUSE_PUNCT_RE.search(out[0])
        if pending_blank and not is_title and _continues(out[-1], line):
            out[-1] = _glue(out[-1], line)
        else:
            if pending_blank:
                out.append("")
            out.append(line)
        pending_blank = page_number = False
    return "\n".join(out)


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith("#"):
        return True
    return heading_level(stripped) is not None and len(stripped) <= 40 and "。" not in stripped


def _is_standalone(line: str) -> bool:
    s = line.strip()
    return bool(
        _STANDALONE_RE.search(s)
        or _MD_RULE_RE.match(s)
        or _DOC_NUMBER_LINE_RE.match(s)
        or is_date_line(s)
    )


def _continues(before: str, after: str) -> bool:
    before, after = before.strip(), after.strip()
    if len(before) < _MIN_BROKEN_LINE or before[-1] in _SENTENCE_END:
        return False
    return not (
        _is_heading(before)
        or _is_heading(after)
        or _is_standalone(before)
        or _is_standalone(after)
        or _GREETING_RE.match(after)
    )


def _glue(before: str, after: str) -> str:
    # Latin words split by a break need their space back; Chinese never has one.
    if before[-1].isascii() and before[-1].isalpha() and after[0].isascii() and after[0].isalpha():
        return f"{before} {after}"
    return before + after


def strip_markdown(text: str) -> str:
    """Drop markdown heading marks, bold marks and horizontal rules left by converters."""
    lines: list[str] = []
    for line in text.split("\n"):
        if _MD_RULE_RE.match(line.strip()):
            line = ""
        line = _MD_BOLD_RE.sub(lambda m: m[1] or m[2], _MD_HEADING_RE.sub("", line))
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def is_date_line(line: str) -> bool:
    """True for a line that is a date, optionally after a signature (not an 印发 line)."""
    s = line.strip()
    m = DATE_RE.search(s)
    if not m or len(s) - (m.end() - m.start()) > 30:
        return False
    rest = s[m.end() :].strip()
    return rest in ("", "印发") and not re.search(r"[，。；：,;:]", s[: m.start()])


def parse_date(text: str) -> str | None:
    """ISO ``yyyy-mm-dd`` from 2022年7月26日, 二〇二二年七月二十六日, 2022/7/26 or 2022-07-26 9:00.

    Returns ``None`` when ``text`` holds no valid date.
    """
    m = DATE_RE.search(text) or _NUMERIC_DATE_RE.search(text)
    if not m:
        return None
    try:
        day = dt.date(_cn_int(m["y"], year=True), _cn_int(m["m"]), _cn_int(m["d"]))
    except ValueError:
        return None
    return day.isoformat()


def _cn_int(token: str, *, year: bool = False) -> int:
    """An int from ASCII digits, digit-by-digit years (二〇二二) or numerals like 二十六."""
    if token.isdigit():
        return int(token)
    digits = [_CN_DIGITS.get(c, -1) for c in token.replace("十", "")]
    if year or "十" not in token:
        # -1 makes an impossible date, which parse_date turns into None.
        valid = min(digits, default=-1) >= 0 and (year or len(digits) == 1)
        return int("".join(map(str, digits))) if valid else -1
    tens, _, units = token.partition("十")
    value = (_CN_DIGITS.get(tens, -99) if tens else 1) * 10 + _CN_DIGITS.get(units or "〇", -99)
    return value if len(tens) <= 1 and len(units) <= 1 else -1
