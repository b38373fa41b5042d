"""`python ui.py` start-up: options, env vars, the host/login guard and the first-run build."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.build
from app.cli import (
    StartupError,
    build_if_missing,
    check_exposure,
    is_loopback,
    main,
    parse_args,
    parse_auth,
)
from index import store
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder
from ui import build_app


def test_defaults_and_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XIANLI_INDEX", raising=False)
    monkeypatch.delenv("XIANLI_AUTH", raising=False)
    args = parse_args([])
    assert (args.index, args.corpus, args.host, args.port, args.auth) == (
        Path("data/index"),
        [Path("corpus")],
        "127.0.0.1",
        7860,
        None,
    )
    monkeypatch.setenv("XIANLI_INDEX", "/srv/idx")
    monkeypatch.setenv("XIANLI_AUTH", "a:b")
    args = parse_args([])
    assert args.index == Path("/srv/idx") and args.auth == "a:b"
    assert parse_args(["--index", "x", "--auth", "c:d"]).auth == "c:d"


def test_parse_auth() -> None:
    assert parse_auth(None) is None
    assert parse_auth("staff:pa:ss") == ("staff", "pa:ss")
    for bad in ("staff", ":pw", "staff:"):
        with pytest.raises(StartupError, match="user:password"):
            parse_auth(bad)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
     ("0.0.0.0", False), ("10.1.2.3", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_exposure_needs_auth_or_explicit_consent() -> None:
    check_exposure("127.0.0.1", None, False)
    check_exposure("0.0.0.0", ("u", "p"), False)
    check_exposure("0.0.0.0", None, True)
    with pytest.raises(StartupError, match="--auth"):
        check_exposure("0.0.0.0", None, False)


def test_main_refuses_open_host_before_loading_anything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", "0.0.0.0", "--index", "/nonexistent/idx"], app_factory=build_app) == 2
    err = capsys.readouterr().err
    assert "Refusing to bind 0.0.0.0" in err and "--allow-no-auth" in err


def test_main_reports_a_missing_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--index", str(tmp_path / "idx"), "--corpus", str(tmp_path / "nope")]
    code = main(argv, app_factory=build_app)
    assert code == 2 and "does not exist" in capsys.readouterr().err


def test_build_if_missing_builds_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEmbedder()
    monkeypatch.setattr(index.build, "load_embedder", lambda model=None: fake)
    target = tmp_path / "idx"
    build_if_missing(target, [BUNDLED_CORPUS], None)
    assert store.live_generation(target).is_valid()
    assert "replies: " in capsys.readouterr().out  # the same summary as python -m index build
    calls = len(fake.calls)
    build_if_missing(target, [BUNDLED_CORPUS], None)  # present now: nothing is rebuilt
    assert len(fake.calls) == calls and capsys.readouterr().out == ""


def test_build_if_missing_runs_at_lower_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's own build yields the cores (nice + fewer threads); the app itself does not."""
    import os

    import app.cli

    seen: dict[str, object] = {}

    def fake_ensure(*args: object, **kwargs: object) -> None:
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, 0)  # Linux: this thread's nice value
        raise FileNotFoundError("no corpus here")

    monkeypatch.setattr(app.cli, "ensure_index", fake_ensure)
    before = os.getpriority(os.PRIO_PROCESS, 0)
    with pytest.raises(StartupError, match="no corpus here"):
        build_if_missing(tmp_path / "idx", [tmp_path], None)
    assert seen["nice"] == min(19, before + app.cli.BUILD_NICE)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before  # the serving thread keeps its priority
