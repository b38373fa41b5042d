"""The REST API's JSON shapes, for its OpenAPI page (``/api/v1/docs``).

Requests are *not* validated by these models: every door validates through
:meth:`search.SearchRequest.parse`, so the API accepts exactly what the page and the CLI
accept and rejects the rest with the same Chinese message. The models only describe the
JSON for the documentation; responses are the dataclasses of :mod:`search` as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from search import Facets, IndexSummary, OverviewCounts, SearchHit

# What a search accepts, by name: the query string of GET and the JSON body of POST.
SEARCH_PARAMS = ("query", "k", "mode", "date_from", "date_to", "issuer", "kinds", "grades")


class SearchBody(BaseModel):
    """``POST /api/v1/search``: the same fields as ``GET``'s query string."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(description="问题，或粘贴的提案/建议/留言原文", examples=["加装电梯 补贴"])
    k: int = Field(10, description="返回的答复件数，1–100")
    mode: str = Field("hybrid", description="hybrid（混合）、dense（语义）或 keyword（关键词）")
    date_from: str | None = Field(None, description="起始日期：2021、2021-03、2021-03-05…")
    date_to: str | None = Field(None, description="截止日期（含当日）")
    issuer: str | None = Field(None, description="答复单位名称的一部分，如 工信局")
    kinds: list[str] | str | None = Field(
        None, description="proposal_reply、suggestion_reply、message_reply、other"
    )
    grades: list[str] | str | None = Field(None, description="办理结果 A、B、C")


@dataclass(frozen=True)
class SearchResponse:
    """The hits of one search, best first, the facet counts over every record that matched
    (not only the hits; absent for similar replies) and the time the search took."""

    hits: tuple[SearchHit, ...]
    took_ms: float
    counts: OverviewCounts | None = None


@dataclass(frozen=True)
class Limits:
    """The values a search accepts (the same for every door)."""

    max_k: int
    modes: tuple[str, ...]
    kinds: tuple[str, ...]
    grades: tuple[str, ...]


@dataclass(frozen=True)
class InfoResponse:
    """The loaded index (size, model, build time), its facets and the request limits."""

    index: IndexSummary
    facets: Facets
    limits: Limits


class ErrorDetail(BaseModel):
    """``code`` is stable for programs; ``message`` is the Chinese text for people."""

    code: str = Field(examples=["bad_date"])
    message: str = Field(examples=["日期“someday”无法识别，请写成 2021-03-05、2021-03 或 2021。"])
    request_id: str = Field(description="the X-Request-ID of the request, for the logs")


class ErrorResponse(BaseModel):
    """Every error of the API, whatever its HTTP status."""

    error: ErrorDetail
