"""The REST API (app/api.py) on a fake searcher: routes, validation, auth, errors, request ids."""

from __future__ import annotations

import base64
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import ApiAuth, build_api
from index.layout import IndexStoreError
from search import QueryError, SearchRequest
from tests.conftest import REPO
from tests.ui_fakes import FakeSearcher


def client_for(searcher: Any = None, **options: Any) -> TestClient:
    api = build_api(searcher or FakeSearcher(), **options)
    return TestClient(api, raise_server_exceptions=False)


@pytest.fixture
def fake() -> FakeSearcher:
    return FakeSearcher()


@pytest.fixture
def client(fake: FakeSearcher) -> TestClient:
    return client_for(fake)


def test_get_search_parses_like_every_other_door(client: TestClient, fake: FakeSearcher) -> None:
    params = {"query": "园区", "k": "2", "mode": "关键词", "date_from": "2021",
              "date_to": "2023年5月", "issuer": "工信局", "kinds": "proposal_reply,other",
              "grades": ["A", "B"]}  # fmt: skip
    response = client.get("/search", params=params)
    assert response.status_code == 200
    body = response.json()
    assert [h["doc_id"] for h in body["hits"]] == ["r1", "r2"]
    assert body["hits"][0]["passages"][0]["highlights"] == [[0, 4], [4, 9]]
    assert body["counts"]["total"] >= 0 and body["took_ms"] >= 0
    assert fake.calls[-1] == SearchRequest.parse(**params)


def test_post_search_takes_a_json_body(client: TestClient, fake: FakeSearcher) -> None:
    response = client.post("/search", json={"query": "电梯", "k": 1, "kinds": ["message_reply"]})
    assert response.status_code == 200
    assert len(response.json()["hits"]) == 1
    assert fake.calls[-1].filters.kinds == ("message_reply",)
    hit = response.json()["hits"][0]
    fields = {"doc_id", "rank", "score", "title", "kind", "issuer", "date", "result_grade",
              "doc_number", "passages", "measures", "duplicates"}  # fmt: skip
    assert set(hit) >= fields


BAD_VALUES = [
    {"query": ""},
    {"query": 123},
    {"query": "x", "k": "abc"},
    {"query": "x", "k": 0},
    {"query": "x", "k": 101},
    {"query": "x", "mode": "fuzzy"},
    {"query": "x", "date_from": "someday"},
    {"query": "x", "date_to": "2021-13"},
    {"query": "x", "date_from": "2021-02-30"},
    {"query": "x", "date_from": "2023", "date_to": "2021"},
    {"query": "x", "issuer": {"a": 1}},
    {"query": "x", "kinds": "proposal"},
    {"query": "x", "kinds": {"a": 1}},
    {"query": "x", "grades": ["D"]},
]


@pytest.mark.parametrize("values", BAD_VALUES)
def test_bad_input_gets_the_validators_chinese_message(client: TestClient, values: Any) -> None:
    with pytest.raises(QueryError) as expected:
        SearchRequest.parse(**values)
    response = client.post("/search", json=values)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (expected.value.code, str(expected.value))
    if isinstance(values["query"], str) and not isinstance(values.get("issuer"), dict):
        got = client.get("/search", params=values).json()["error"]  # the same through GET
        assert got["code"] == expected.value.code


def test_missing_query_and_unknown_parameters_are_refused(client: TestClient) -> None:
    assert client.get("/search").json()["error"]["code"] == "empty_query"
    error = client.get("/search", params={"qurey": "园区"}).json()["error"]
    assert error["code"] == "unknown_parameter" and "qurey" in error["message"]
    response = client.post("/search", json={"query": "园区", "kind": "other"})
    assert response.status_code == 400 and "kind" in response.json()["error"]["message"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"", '"园区"'.encode()])
def test_a_body_that_is_not_a_json_object(client: TestClient, body: bytes) -> None:
    response = client.post("/search", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_json"
    assert "Traceback" not in response.text


def test_reply_and_similar(client: TestClient) -> None:
    reply = client.get("/replies/r1").json()
    assert reply["doc_id"] == "r1" and reply["measures"][0]["stage"] == "done"
    similar = client.get("/replies/r1/similar", params={"k": 1}).json()
    assert [h["doc_id"] for h in similar["hits"]] == ["r2"]
    assert client.get("/replies/r1/similar").status_code == 200


def test_unknown_doc_id_is_404_with_the_catalogue_message(client: TestClient) -> None:
    for path in ("/replies/nope", "/replies/nope/similar"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["message"] == str(QueryError("unknown_reply", got="nope"))


def test_similar_checks_k_and_its_parameters(client: TestClient) -> None:
    assert client.get("/replies/r1/similar", params={"k": "0"}).json()["error"]["code"] == "bad_k"
    error = client.get("/replies/r1/similar", params={"mode": "x"}).json()["error"]
    assert error["code"] == "unknown_parameter"


def test_info_lists_the_index_facets_and_limits(client: TestClient) -> None:
    info = client.get("/info").json()
    assert info["index"]["replies"] == 3 and info["index"]["model"] == "fake"
    assert info["facets"]["grades"] == ["A", "B"]
    assert info["limits"]["max_k"] == 100 and "hybrid" in info["limits"]["modes"]


def test_openapi_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/search", "/replies/{doc_id}", "/replies/{doc_id}/similar", "/info"} <= set(
        schema["paths"]
    )
    body = schema["paths"]["/search"]["post"]["requestBody"]["content"]["application/json"]
    assert "query" in body["schema"]["properties"]
    assert "swagger" in client.get("/docs").text.lower()


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert client.get("/nope").json()["error"]["code"] == "not_found"
    response = client.delete("/search")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_auth_basic_and_bearer() -> None:
    client = client_for(auth=ApiAuth(("staff", "pa:ss"), "t0ken"))
    refused = client.get("/info")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    not_utf8 = "Basic " + base64.b64encode(b"\xff:x").decode()
    for value in ("Bearer nope", "Basic %%%", "t0ken", "Bearer tök", not_utf8):
        sent = {"Authorization": value.encode("latin-1")}  # a header may carry any byte
        assert client.get("/info", headers=sent).status_code == 401
    for headers in (_basic("staff", "wrong"), _basic("other", "pa:ss")):
        assert client.get("/info", headers=headers).status_code == 401
    assert client.get("/info", headers=_basic("staff", "pa:ss")).status_code == 200
    assert client.get("/info", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    assert client.post("/search", json={"query": "园区"}).status_code == 401
    assert client.get("/replies/r1").status_code == 401


def test_a_token_alone_or_a_login_alone() -> None:
    token_only = client_for(auth=ApiAuth(token="t0ken"))
    assert token_only.get("/info", headers=_basic("staff", "x")).status_code == 401
    assert token_only.get("/info", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    login_only = client_for(auth=ApiAuth(("staff", "pw")))
    assert login_only.get("/info", headers={"Authorization": "Bearer "}).status_code == 401


def test_without_auth_the_api_is_open_like_the_page(client: TestClient) -> None:
    assert ApiAuth().is_open and client.get("/info").status_code == 200


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/info", headers={"X-Request-ID": "oa-42.7"})
    assert given.headers["X-Request-ID"] == "oa-42.7"
    made = client.get("/info").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/info").headers["X-Request-ID"]
    odd = client.get("/info", headers={"X-Request-ID": "x" * 65}).headers["X-Request-ID"]
    assert len(odd) == 32  # an unusable id is replaced, not logged as sent
    error = client.get("/replies/nope", headers={"X-Request-ID": "r-1"})
    assert error.headers["X-Request-ID"] == "r-1" == error.json()["error"]["request_id"]


def test_one_log_line_per_request_without_the_query(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.api"):
        client.get("/search", params={"query": "秘密的问题", "kinds": "other"},
                   headers={"X-Request-ID": "log-1"})  # fmt: skip
    lines = [r.getMessage() for r in caplog.records if r.name == "app.api"]
    assert len(lines) == 1
    line = lines[0]
    assert "log-1" in line and "who=anonymous" in line and "GET /search → 200" in line
    assert "query_chars=5" in line and "filters=kinds" in line and "hits=3" in line
    assert "秘密" not in line and " ms " in line


def test_log_queries_writes_the_query(caplog: pytest.LogCaptureFixture) -> None:
    client = client_for(log_queries=True)
    with caplog.at_level(logging.INFO, logger="app.api"):
        client.get("/search", params={"query": "秘密的问题"})
    assert any('query="秘密的问题"' in r.getMessage() for r in caplog.records)


class BrokenSearcher(FakeSearcher):
    """A searcher whose index went away, or that fails in an unforeseen way."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def search_with_overview(self, request: SearchRequest) -> Any:
        raise self.error


def test_index_unavailable_is_503() -> None:
    client = client_for(BrokenSearcher(IndexStoreError("data/index: manifest missing")))
    response = client.get("/search", params={"query": "园区"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "index_unavailable"
    assert "manifest missing" in response.json()["error"]["message"]


def test_an_unexpected_failure_is_json_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = client_for(BrokenSearcher(RuntimeError("boom in the model")))
    with caplog.at_level(logging.INFO, logger="app.api"):
        response = client.get("/search", params={"query": "园区"}, headers={"X-Request-ID": "b-1"})
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error" and "b-1" in error["message"]
    assert "boom" not in response.text and "Traceback" not in response.text
    assert any(r.exc_info for r in caplog.records)  # the traceback goes to the log


@pytest.mark.slow
def test_through_the_running_server(tmp_path: Path) -> None:
    """``python ui.py`` on a free port over corpus/ (real model): page and API, one login."""
    import httpx

    port = _free_port()
    env = {**os.environ, "XIANLI_AUTH": "staff:s3cret", "XIANLI_API_TOKEN": "t0ken"}
    argv = [sys.executable, "ui.py", "--index", str(tmp_path / "idx"), "--port", str(port)]
    log = (tmp_path / "ui.log").open("w")
    server = subprocess.Popen(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/v1/info", server)
        with httpx.Client(base_url=base, timeout=60) as http:
            assert http.get("/api/v1/info").status_code == 401
            token = {"Authorization": "Bearer t0ken"}
            info = http.get("/api/v1/info", headers=token).json()
            assert info["index"]["replies"] >= 10
            body, rid = {"query": "加装电梯 补贴", "k": 3}, {"X-Request-ID": "slow-1"}
            found = http.post("/api/v1/search", json=body, auth=("staff", "s3cret"), headers=rid)
            assert found.status_code == 200 and found.headers["X-Request-ID"] == "slow-1"
            first = found.json()["hits"][0]
            assert "电梯" in first["title"] + "".join(p["text"] for p in first["passages"])
            reply = http.get(f"/api/v1/replies/{first['doc_id']}", headers=token).json()
            assert reply["doc_id"] == first["doc_id"]
            similar = http.get(f"/api/v1/replies/{first['doc_id']}/similar", headers=token)
            assert first["doc_id"] not in [h["doc_id"] for h in similar.json()["hits"]]
            bad = http.get("/api/v1/search", params={"query": "x", "date_from": "someday"},
                           headers=token)  # fmt: skip
            assert bad.status_code == 400 and "无法识别" in bad.json()["error"]["message"]
            assert http.get("/api/v1/docs").status_code == 200
            page = http.post("/gradio_api/call/search", json={"data": ["园区"]})
            assert page.status_code in (401, 403)  # the page keeps its own login
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    logged = (tmp_path / "ui.log").read_text(encoding="utf-8")
    assert "slow-1 who=staff POST /api/v1/search → 200" in logged and "加装电梯" not in logged


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout_s: float = 600) -> None:
    """Wait for the first start (index build over corpus/, model load) to answer ``url``."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert server.poll() is None, "python ui.py exited; see its log"
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.HTTPError:
            time.sleep(1)
    raise AssertionError(f"python ui.py did not answer {url} within {timeout_s} s")
