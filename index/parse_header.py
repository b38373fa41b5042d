"""The header and tail of a formal reply: 文号, 签发人, grade, title, addressee, contacts, 抄送.

Works on the normalised, repaired, markdown-free lines of one reply (see
:func:`index.parse.parse_text`). Every field is optional: a reply that lacks one gets ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from index.docnum import BOOK_TITLE_RE, find_doc_numbers
from index.normalize import DATE_RE, is_date_line, parse_date
from index.reply import Kind

_CN = "一二三四五六七八九十"
_AGENCY = r"(?:委员会|办公室|局|委|办|厅|部|院|政府|中心|公司|所|处|署|会|社|行|馆|站|队|室)"
_TITLE_RE = re.compile(r"答复|会办意见|办理意见|复函|回复")
# "答复时间：2023年5月1日", "回复单位：…": a labelled field that names the reply, not a title.
_FIELD_LINE_RE = re.compile(r"^(?:答复|回复|办理)[\u4e00-\u9fff]{0,4}\s*[：:]")
_ISSUER_TITLE_RE = re.compile(
    rf"^(?!关于|对)(?P<issuer>[\u4e00-\u9fff]{{2,30}}?{_AGENCY})\s*(?P<title>(?:对|关于).+)$"
)
_FILE_HEADER_RE = re.compile(r"^(?P<issuer>[\u4e00-\u9fff]{2,30}?)文件$")
_ADDRESSEE_RE = re.compile(
    r"^(?:尊敬的)?(?P<name>[\u4e00-\u9fff·、，]{2,40}?)(?:等\s*\d*\s*[名位])?"
    r"(?P<role>委员|代表)(?:们)?[：:]$"
)
_SESSION_RE = re.compile(
    rf"(?:全国|[\u4e00-\u9fff]{{0,3}}[省市县区州])?(?:政协|人大)?第?[{_CN}]{{1,3}}届"
    rf"(?:[省市县区]?(?:政协|人大|人民代表大会))?第?[{_CN}]{{1,3}}次(?:全体)?会议"
)
_SESSION_LEAD_RE = re.compile(r"^(?:您在|您于|关于|对于|对|在|于|向|就|您)")
_NUMBER_RE = re.compile(r"第\s*(\d{1,5})\s*号\s*(?:提案|建议|议案)?")
_SUGGESTION_OPENING_RE = re.compile(r"第\s*\d+\s*号建议|代表[^。]{0,30}建议|人大[^。]{0,30}建议")
_CO_HANDLERS_RE = re.compile(
    r"(?:经与|经同|会同|经征求|并与|联合)(?P<units>[^，。；：]{2,120}?)"
    r"(?:等\s*\d*\s*个?(?:单位|部门|家单位))?(?:共同|联合|认真|进行|的)?"
    r"(?:研究|会商|协商|沟通|商议|调研|办理|意见)"
)
_SIGNER_RE = re.compile(r"签\s*发\s*人\s*[：:]\s*(?P<v>[\u4e00-\u9fff·]{2,8})")
_GRADE_LABEL_RE = re.compile(r"(?:办\s*理\s*结\s*果|类\s*别)\s*[：:]\s*(?P<v>[A-Ca-c])(?![A-Za-z])")
_GRADE_LINE_RE = re.compile(r"^[（(【\[]?\s*(?P<v>[A-Ca-c])\s*类?\s*[）)】\]]?$")
_GRADE_INLINE_RE = re.compile(r"(?<![A-Za-z])(?P<v>[A-C])\s*类(?=$|[\s）)】\]])", re.M)
_UNIT_RE = re.compile(r"联\s*系\s*单\s*位\s*[：:]\s*(?P<v>[^\s，,；;。]+)")
_PHONE_RE = re.compile(r"联\s*系\s*电\s*话\s*[：:]?\s*(?P<v>[\d\-－—()（）转、/ ]{5,})")
_PERSON_RE = re.compile(r"联\s*系\s*人\s*[：:]\s*(?P<v>[\u4e00-\u9fff·]{2,10})")
_CC_RE = re.compile(r"^抄\s*[送报]\s*[：:]\s*(?P<v>.+)$")
_COPIES_RE = re.compile(r"[（(]\s*\d+\s*份\s*[）)]")
_MAX_HEADER_LINES = 15


# Header fields that are not copied into a Reply: the parser builds the title itself, and
# body_start is a line position.
_NOT_REPLY = frozenset({"title", "body_start"})


@dataclass(frozen=True)
class Header:
    """What the header and tail of a formal reply say; ``body_start`` is the first body line."""

    kind: Kind = "other"
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    signer: str | None = None
    result_grade: str | None = None
    session: str | None = None
    proposal_number: str | None = None
    proposer: str | None = None
    proposal_title: str | None = None
    co_handlers: tuple[str, ...] = ()
    date: str | None = None
    contact_unit: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    cc: tuple[str, ...] = ()
    body_start: int = 0

    def reply_fields(self) -> dict[str, Any]:
        """The fields a :class:`~index.reply.Reply` takes as they are (not title or position)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_REPLY}


def read_header(lines: list[str]) -> Header:
    """Read every header and tail field from the lines of one reply."""
    title_idx, title, title_issuer = _find_title(lines)
    addr_idx, proposer, role = _find_addressee(lines)
    opening_idx = _find_opening(lines, addr_idx if addr_idx is not None else title_idx)
    header_end = addr_idx if addr_idx is not None else opening_idx
    head_lines = lines[: min(header_end if header_end is not None else 12, _MAX_HEADER_LINES)]
    head = "\n".join(head_lines)
    opening = lines[opening_idx] if opening_idx is not None else ""
    unit, person, phone = _contacts("\n".join(lines))
    session_src = f"{title or ''}\n{opening}"
    return Header(
        kind=_kind(role, title or "", opening[:100]),
        title=title,
        issuer=title_issuer or _file_issuer(lines) or unit or _signature(lines),
        doc_number=next(iter(find_doc_numbers(head)), None),
        signer=_first(_SIGNER_RE, head),
        result_grade=_grade(head_lines),
        session=_session(session_src),
        proposal_number=_first(_NUMBER_RE, session_src, group=1),
        proposer=proposer,
        proposal_title=_proposal_title(opening),
        co_handlers=_co_handlers(opening),
        date=_signing_date(lines),
        contact_unit=unit,
        contact_person=person,
        contact_phone=phone,
        cc=_cc(lines),
        body_start=max(i for i in (title_idx, addr_idx, -1) if i is not None) + 1,
    )


def _first(pattern: re.Pattern[str], text: str, *, group: int | str = "v") -> str | None:
    m = pattern.search(text)
    return m[group].strip() if m else None


def _find_title(lines: list[str]) -> tuple[int | None, str | None, str | None]:
    for i, line in enumerate(lines[:_MAX_HEADER_LINES]):
        if _TITLE_RE.search(line) and len(line) <= 90 and not line.endswith(("。", "：", ":")):
            if line.startswith("您") or _FIELD_LINE_RE.match(line.strip()):
                continue
            m = _ISSUER_TITLE_RE.match(line)
            return (i, m["title"].strip(), m["issuer"]) if m else (i, line.strip(), None)
    return None, None, None


def _find_addressee(lines: list[str]) -> tuple[int | None, str | None, str | None]:
    for i, line in enumerate(lines[: _MAX_HEADER_LINES + 5]):
        m = _ADDRESSEE_RE.match(line.strip())
        if m:
            return i, m["name"].strip("、，"), m["role"]
    return None, None, None


def _find_opening(lines: list[str], after: int | None) -> int | None:
    """The first paragraph of the reply proper: after the addressee (or title), else a long line."""
    start = after + 1 if after is not None else 0
    for i in range(start, min(len(lines), start + _MAX_HEADER_LINES)):
        line = lines[i].strip()
        if after is not None and line and not is_date_line(line):
            return i
        if after is None and len(line) >= 30 and not is_date_line(line):
            return i
    return None


def _kind(role: str | None, title: str, opening: str) -> Kind:
    if role:
        return "proposal_reply" if role == "委员" else "suggestion_reply"
    if re.search("提案|委员", title) or "提案" in opening:
        return "proposal_reply"
    # 建议 alone is everywhere in replies to citizens; the opening must name the deputy's 建议.
    if re.search("建议|代表", title) or _SUGGESTION_OPENING_RE.search(opening):
        return "suggestion_reply"
    return "other"


def _file_issuer(lines: list[str]) -> str | None:
    for line in lines[:5]:
        m = _FILE_HEADER_RE.match(line.strip())
        if m:
            return m["issuer"]
    return None


def _signature(lines: list[str]) -> str | None:
    """The agency name on the line above (or in front of) the signing date."""
    idx = _signing_date_index(lines)
    if idx is None:
        return None
    m = DATE_RE.search(lines[idx])
    before = lines[idx][: m.start()].strip() if m else ""
    if not before:
        prev = [ln.strip() for ln in lines[:idx] if ln.strip()]
        before = prev[-1] if prev else ""
    return before if re.fullmatch(rf"[\u4e00-\u9fff（）()]{{2,30}}{_AGENCY}", before) else None


def _grade(head_lines: list[str]) -> str | None:
    head = "\n".join(head_lines)
    found = _first(_GRADE_LABEL_RE, head)
    for line in head_lines:
        m = _GRADE_LINE_RE.match(line.strip())
        found = found or (m["v"] if m else None)
    found = found or _first(_GRADE_INLINE_RE, head)
    return found.upper() if found else None


def _session(text: str) -> str | None:
    m = _SESSION_RE.search(text)
    return _SESSION_LEAD_RE.sub("", m[0]) if m else None


def _proposal_title(opening: str) -> str | None:
    if not re.search(r"收悉|提出|提案|建议|议案", opening):
        return None
    m = BOOK_TITLE_RE.search(opening)
    return m[1].strip() if m else None


def _co_handlers(opening: str) -> tuple[str, ...]:
    m = _CO_HANDLERS_RE.search(opening)
    if not m:
        return ()
    parts = re.split(r"[、，,]|以及", m["units"])
    return tuple(p.strip().removesuffix("等") for p in parts if len(p.strip()) >= 2)


def _signing_date_index(lines: list[str]) -> int | None:
    """The signing date is the last plain date line before 联系单位/联系人, never an 印发 date."""
    dates = [i for i, ln in enumerate(lines) if is_date_line(ln) and "印发" not in ln]
    contact = next((i for i, ln in enumerate(lines) if re.match(r"联\s*系", ln.strip())), None)
    before = [i for i in dates if contact is None or i < contact]
    candidates = before or dates
    return candidates[-1] if candidates else None


def _signing_date(lines: list[str]) -> str | None:
    idx = _signing_date_index(lines)
    return parse_date(lines[idx]) if idx is not None else None


def _contacts(text: str) -> tuple[str | None, str | None, str | None]:
    """联系单位, 联系人, 联系电话 — the last of each, as the contact block ends the reply."""

    def last(pattern: re.Pattern[str]) -> str | None:
        values = [m["v"].strip() for m in pattern.finditer(text)]
        return values[-1] if values else None

    return last(_UNIT_RE), last(_PERSON_RE), last(_PHONE_RE)


def _cc(lines: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for line in lines:
        m = _CC_RE.match(line.strip())
        if m:
            parts = re.split(r"[，,、；;]", _COPIES_RE.sub("", m["v"]))
            out.extend(p.strip(" 。.") for p in parts if p.strip(" 。."))
    return tuple(dict.fromkeys(out))
