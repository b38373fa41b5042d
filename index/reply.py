"""The typed core: frozen records passed between the stages of 先例.

Every stage speaks in these types: readers produce :class:`RawRecord`, the parser
turns one into a :class:`Reply`, the chunker cuts a reply into :class:`Chunk`s.
They serialise to plain JSON (``to_dict``/``from_dict``) — never pickle.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["proposal_reply", "suggestion_reply", "message_reply", "other"]
Stage = Literal["done", "ongoing", "planned"]
HandlingKind = Literal["referral", "ack"]
Field = Literal["reply", "question"]
KINDS: tuple[str, ...] = ("proposal_reply", "suggestion_reply", "message_reply", "other")
GRADES: tuple[str, ...] = ("A", "B", "C")
# The one place kinds, grades and stages get their Chinese labels (UI, exports, CLI).
KIND_LABELS: dict[str, str] = {
    "proposal_reply": "政协提案答复",
    "suggestion_reply": "人大建议答复",
    "message_reply": "留言答复",
    "other": "其他",
}
GRADE_LABELS: dict[str, str] = {
    "A": "A（已解决/采纳）",
    "B": "B（正在解决/列入计划）",
    "C": "C（留作参考）",
}
STAGE_LABELS: dict[str, str] = {"done": "已落实", "ongoing": "正在推进", "planned": "下一步计划"}
HANDLING_LABELS: dict[str, str] = {"referral": "转办", "ack": "受理"}
FIELD_LABELS: dict[str, str] = {"reply": "答复", "question": "诉求原文"}


@dataclass(frozen=True)
class Source:
    """Where a record came from: a file relative to the corpus root, and a row for tables."""

    path: str
    row: int | None = None


@dataclass(frozen=True)
class RawRecord:
    """What a reader yields before parsing.

    For a file, ``text`` holds its whole text and ``fields`` is empty. For a table row,
    ``fields`` maps canonical names (id, title, question, body, date, issuer) to the
    cell values and ``text`` is the body.
    """

    source: Source
    text: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A file or row that could not be read, and why (shown to the user, never silent)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Section:
    """A numbered part of a reply: its heading (e.g. ``（一）明确产业发展定位``) and text."""

    heading: str
    text: str
    level: int = 1


@dataclass(frozen=True)
class Policy:
    """A cited policy: a 《title》 and its 文号 normalised to 〔〕 brackets, when given."""

    title: str
    doc_number: str | None = None


@dataclass(frozen=True)
class Measure:
    """One action a government body took, is taking or promises, as the reply states it.

    ``text`` is the stretch of the reply (usually a clause); ``title`` the action and its
    object in ≤ 20 characters; ``stage`` done / ongoing / planned at the date of the reply;
    ``actor`` the responsible unit as written (我局, 区城管局, 执法人员) when the measure or
    its sentence names one; ``amounts`` and ``dates`` as written (50万元; 2024年9月, 年底前).
    """

    title: str
    text: str
    stage: Stage
    policies: tuple[Policy, ...] = ()
    amounts: tuple[str, ...] = ()
    actor: str | None = None
    dates: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measure:
        """Inverse of ``dataclasses.asdict``; fields added later get their defaults."""
        return cls(
            **{
                **data,
                "policies": tuple(Policy(**p) for p in data.get("policies", ())),
                "amounts": tuple(data.get("amounts", ())),
                "dates": tuple(data.get("dates", ())),
            }
        )


@dataclass(frozen=True)
class Handling:
    """How the reply handled the matter without acting on it: an acknowledgment (已收悉,
    高度重视, 现答复如下) or a referral (已转交…, 请向…反映), with the unit it was passed
    to when the referral names one."""

    text: str
    kind: HandlingKind
    unit: str | None = None


@dataclass(frozen=True)
class Reply:
    """One government reply with the fields staff filter and read by."""

    doc_id: str
    kind: Kind
    title: str
    body: str
    source: Source
    question: str = ""
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
    sections: tuple[Section, ...] = ()
    measures: tuple[Measure, ...] = ()
    policies: tuple[Policy, ...] = ()
    handling: tuple[Handling, ...] = ()

    @property
    def has_measures(self) -> bool:
        """True when the reply states at least one substantive measure, not only
        acknowledgments, referrals or explanations."""
        return bool(self.measures)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; the keys are exactly the field names."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """Inverse of :meth:`to_dict`; replies saved before a field existed get its default."""
        policy = lambda p: Policy(**p)  # noqa: E731
        return cls(
            **{
                **data,
                "source": Source(**data["source"]),
                "co_handlers": tuple(data.get("co_handlers", ())),
                "cc": tuple(data.get("cc", ())),
                "sections": tuple(Section(**s) for s in data.get("sections", ())),
                "policies": tuple(policy(p) for p in data.get("policies", ())),
                "measures": tuple(Measure.from_dict(m) for m in data.get("measures", ())),
                "handling": tuple(Handling(**h) for h in data.get("handling", ())),
            }
        )

    @property
    def content_hash(self) -> str:
        """md5 of the record's content, stored beside each reply to tell two builds apart.

        Re-embedding is decided per passage (``index.build.text_key``), not by this hash.
        """
        blob = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.md5(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """A passage of a reply as it is indexed.

    ``text`` is what gets embedded (titles prepended so it stands alone); ``passage``
    is the record's own words shown to the user; ``heading`` names the section it follows;
    ``field`` says whether it comes from the reply or from the question it answers (the
    citizen's message, the proposal's text).
    """

    chunk_id: str
    doc_id: str
    ordinal: int
    heading: str
    passage: str
    text: str
    field: Field = "reply"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        """Inverse of ``dataclasses.asdict``."""
        return cls(**data)
