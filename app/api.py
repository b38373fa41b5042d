"""The REST API for other systems: ``/api/v1/search``, ``/replies/{id}``, ``/similar``, ``/info``.

``build_api(searcher, auth=...)`` returns a FastAPI application that ``ui.py`` mounts at
``/api/v1`` beside the page, in the same server. Searches are validated by
:meth:`search.SearchRequest.parse` like every other door; every error is JSON
``{"error": {"code", "message", "request_id"}}`` with the Chinese message and an HTTP
status, never a traceback. Each request gets an ``X-Request-ID`` (the caller's, or a new
one) and one log line: who, route, status, query length, filters, hits, milliseconds — the
query text only with ``log_queries``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api_models import SEARCH_PARAMS, ErrorResponse, InfoResponse, Limits, SearchBody
from app.api_models import SearchResponse as SearchResponseModel
from index.reply import GRADES, KINDS
from search import (
    MAX_K,
    MODES,
    IndexStoreError,
    QueryError,
    SearcherLike,
    SearchHit,
    SearchRequest,
)

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Errors of the HTTP layer itself; input errors come from search.errors with their own code.
HTTP_MESSAGES: dict[str, str] = {
    "unauthorized": "需要登录：请使用 HTTP Basic（与页面相同的用户名和密码）或 Bearer 令牌。",
    "bad_json": '请求体应为 JSON 对象，例如 {{"query": "加装电梯", "k": 5}}（{detail}）。',
    "unknown_parameter": "未知的参数 {got}；可用：{choices}。",
    "index_unavailable": "索引暂不可用：{detail}",
    "not_found": "没有这个接口：{path}。接口说明见 /api/v1/docs。",
    "method_not_allowed": "接口 {path} 不接受 {method} 请求；接口说明见 /api/v1/docs。",
    "internal_error": "服务器内部错误，请把请求编号 {request_id} 告诉管理员。",
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorResponse} for s in (400, 401)}


@dataclass(frozen=True)
class ApiAuth:
    """Who may call: the page's ``user:password`` (HTTP Basic) and/or a bearer token.

    With neither, the API is open, exactly as the page is (``ui.py`` only allows that on
    a loopback address or with ``--allow-no-auth``).
    """

    user: tuple[str, str] | None = None
    token: str | None = None

    @property
    def is_open(self) -> bool:
        """True when no login is configured."""
        return self.user is None and not self.token

    def who(self, header: str | None) -> str | None:
        """The caller's name for the ``Authorization`` header, or ``None`` if refused."""
        if self.is_open:
            return "anonymous"
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() == "bearer" and self.token:
            same = secrets.compare_digest(value.strip().encode(), self.token.encode())
            return "token" if same else None
        if scheme.lower() == "basic" and self.user:
            try:
                user, _, password = base64.b64decode(value.strip()).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            same_user = secrets.compare_digest(user.encode(), self.user[0].encode())
            same_password = secrets.compare_digest(password.encode(), self.user[1].encode())
            return user if same_user and same_password else None
        return None


class ApiError(Exception):
    """An HTTP-layer error: status, stable code and the Chinese message."""

    def __init__(self, status: int, code: str, **values: Any) -> None:
        self.status = status
        self.code = code
        super().__init__(HTTP_MESSAGES[code].format(**values))


def build_api(
    searcher: SearcherLike, *, auth: ApiAuth | None = None, log_queries: bool = False
) -> FastAPI:
    """The API over ``searcher``, to mount at :data:`API_PREFIX`."""
    access = auth or ApiAuth()
    api = FastAPI(
        title="先例 · 答复先例检索 API",
        version="1",
        summary="检索答复先例：与页面相同的检索、筛选与校验。",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api.middleware("http")(_middleware(log_queries))
    for error in (QueryError, ApiError, IndexStoreError):
        api.exception_handler(error)(_handled)
    api.exception_handler(StarletteHTTPException)(_http_error)

    def caller(request: Request) -> str:
        who = access.who(request.headers.get("authorization"))
        if who is None:
            raise ApiError(401, "unauthorized")
        request.state.who = who
        return who

    _routes(api, searcher, Depends(caller))
    return api


def _routes(api: FastAPI, searcher: SearcherLike, caller: Any) -> None:
    deps = [caller]

    @api.get("/search", dependencies=deps, response_model=SearchResponseModel, responses=_ERRORS)
    async def search_get(request: Request) -> Response:
        """Search the replies. Query string: the fields of the POST body; ``kinds`` and
        ``grades`` repeat (``kinds=a&kinds=b``) or are comma-separated."""
        params = request.query_params
        values = {key: _one_or_list(params.getlist(key)) for key in params}
        return await _search(request, searcher, values)

    body_schema = {"content": {"application/json": {"schema": SearchBody.model_json_schema()}}}

    @api.post(
        "/search",
        dependencies=deps,
        response_model=SearchResponseModel,
        responses=_ERRORS,
        openapi_extra={"requestBody": {"required": True, **body_schema}},
    )
    async def search_post(request: Request) -> Response:
        """Search the replies; the JSON body holds the query and the filters."""
        try:
            values = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(400, "bad_json", detail=str(exc)) from None
        if not isinstance(values, dict):
            raise ApiError(400, "bad_json", detail=f"收到的是 {type(values).__name__}")
        return await _search(request, searcher, values)

    @api.get("/replies/{doc_id}", dependencies=deps, responses=_ERRORS)
    async def reply(doc_id: str, request: Request) -> Response:
        """The whole reply: its fields, sections, measures, policies and handling path."""
        found = await run_in_threadpool(searcher.reply, doc_id)
        return JSONResponse(found.to_dict())

    @api.get(
        "/replies/{doc_id}/similar",
        dependencies=deps,
        response_model=SearchResponseModel,
        responses=_ERRORS,
    )
    async def similar(doc_id: str, request: Request, k: str | None = None) -> Response:
        """The replies most like ``doc_id`` (itself and its near-duplicates left out)."""
        _check_params(request, ("k",))
        wanted = SearchRequest.parse("similar", k=k).k  # the same k rule as a search
        started = time.perf_counter()
        hits = await run_in_threadpool(lambda: searcher.similar(doc_id, k=wanted))
        return _hits(request, hits, started, {"doc_id": doc_id})

    @api.get("/info", dependencies=deps, response_model=InfoResponse, responses=_ERRORS)
    async def info() -> Response:
        """The loaded index (size, model, build time), its facets and the accepted values."""
        limits = Limits(MAX_K, MODES, KINDS, GRADES)
        facets = await run_in_threadpool(searcher.facets)  # a pass over every record
        return JSONResponse(asdict(InfoResponse(searcher.summary(), facets, limits)))


def _one_or_list(values: list[str]) -> str | list[str]:
    """A repeated parameter as a list; a single one as given (``kinds=a,b`` splits later)."""
    return values[0] if len(values) == 1 else values


async def _search(request: Request, searcher: SearcherLike, values: dict[str, Any]) -> Response:
    typed = values.get("query")
    request.state.log = {"query_chars": len(typed) if isinstance(typed, str) else "-"}
    _check_params(request, SEARCH_PARAMS, values)
    # No query at all reads as an empty one; QueryError → 400 with the Chinese message.
    parsed = SearchRequest.parse(**{"query": "", **values})
    request.state.log = {
        "query_chars": len(parsed.query),
        "mode": parsed.mode,
        "k": parsed.k,
        "filters": ",".join(k for k, v in vars(parsed.filters).items() if v) or "-",
    }
    request.state.query = parsed.query
    started = time.perf_counter()
    result = await run_in_threadpool(searcher.search_with_overview, parsed)
    counts = {"counts": result.counts.to_dict()}
    return _hits(request, list(result.hits), started, {"matched": result.counts.total}, counts)


def _hits(
    request: Request,
    hits: list[SearchHit],
    started: float,
    log: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Response:
    took = round((time.perf_counter() - started) * 1000, 1)
    request.state.log = {**getattr(request.state, "log", {}), **log, "hits": len(hits)}
    body = {"hits": [h.to_dict() for h in hits], "took_ms": took, **(extra or {})}
    return JSONResponse(body)


def _check_params(
    request: Request, allowed: tuple[str, ...], values: dict[str, Any] | None = None
) -> None:
    names = set(values if values is not None else request.query_params)
    unknown = sorted(names - set(allowed))
    if unknown:
        raise ApiError(400, "unknown_parameter", got="、".join(unknown), choices="、".join(allowed))


def _middleware(log_queries: bool) -> Callable[..., Awaitable[Response]]:
    async def request_id_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get("x-request-id", "")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.state.request_id = rid
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:  # the API's boundary: log the traceback, answer JSON
            logger.exception("api %s: internal error on %s", rid, request.url.path)
            response = _error_response(request, ApiError(500, "internal_error", request_id=rid))
        response.headers["X-Request-ID"] = rid
        _log(request, response.status_code, started, log_queries)
        return response

    return request_id_and_log


def _error_response(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ApiError):
        status, code = exc.status, exc.code
    elif isinstance(exc, QueryError):
        status, code = (404 if exc.code == "unknown_reply" else 400), exc.code
    else:  # IndexStoreError: the index went away or is damaged
        status, code = 503, "index_unavailable"
        exc = ApiError(503, code, detail=str(exc))
    rid = getattr(request.state, "request_id", "")
    request.state.log = {**getattr(request.state, "log", {}), "error": code}
    headers = {"WWW-Authenticate": 'Basic realm="xianli"'} if status == 401 else None
    error = {"code": code, "message": str(exc), "request_id": rid}
    return JSONResponse({"error": error}, status_code=status, headers=headers)


async def _handled(request: Request, exc: Exception) -> JSONResponse:
    return _error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (no such route, wrong method) in the API's JSON shape."""
    status = getattr(exc, "status_code", 404)
    code = "method_not_allowed" if status == 405 else "not_found"
    path = request.url.path
    return _error_response(request, ApiError(status, code, path=path, method=request.method))


def _log(request: Request, status: int, started: float, log_queries: bool) -> None:
    fields = dict(getattr(request.state, "log", {}))
    if log_queries and hasattr(request.state, "query"):
        fields["query"] = json.dumps(request.state.query, ensure_ascii=False)
    logger.info(
        "api %s who=%s %s %s → %d %.1f ms %s",
        request.state.request_id,
        getattr(request.state, "who", "-"),
        request.method,
        request.url.path,
        status,
        (time.perf_counter() - started) * 1000,
        " ".join(f"{k}={v}" for k, v in fields.items()),
    )
