"""Where an index lives: ``--store`` parsed once, for the build job and every app server.

Three forms, the same on every command line::

    local                    the index directory given by --index (the default)
    milvus:PATH.db           an embedded milvus-lite file (tests, one laptop)
    milvus://HOST:19530      a Milvus standalone or cluster server

A server's user, password, token and TLS settings come from the environment
(``XIANLI_MILVUS_USER``, ``XIANLI_MILVUS_PASSWORD``, ``XIANLI_MILVUS_TOKEN``,
``XIANLI_MILVUS_TLS=1``, ``XIANLI_MILVUS_CA``), never from the command line, where any
user of the machine could read them in the process list.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from index.layout import IndexStoreError

_SERVER = re.compile(
    r"^milvus://(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(:(?P<port>\d{1,5}))?/?$"
)
DEFAULT_PORT = 19530


class StoreSpecError(IndexStoreError, ValueError):
    """A ``--store`` value that names no store we can open."""


@dataclass(frozen=True)
class StoreSpec:
    """A parsed ``--store``: the local directory, a milvus-lite file or a Milvus server."""

    kind: Literal["local", "milvus-lite", "milvus-server"]
    location: str  # the directory, the .db file, or the server's host:port

    @property
    def is_milvus(self) -> bool:
        """True for both Milvus forms (embedded and server)."""
        return self.kind != "local"

    def describe(self) -> str:
        """The spec as a user would type it (no secrets: those live in the environment)."""
        if self.kind == "milvus-lite":
            return f"milvus:{self.location}"
        if self.kind == "milvus-server":
            return f"milvus://{self.location}"
        return self.location


def parse_store(text: str | None, index_dir: Path | str) -> StoreSpec:
    """Parse ``--store``; ``None``, ``""`` or ``local`` mean the directory ``index_dir``."""
    value = (text or "").strip()
    if value in ("", "local"):
        return StoreSpec("local", str(index_dir))
    if value.startswith("milvus://"):
        match = _SERVER.match(value)
        if not match or not 0 < int(match["port"] or DEFAULT_PORT) < 65536:
            raise StoreSpecError(_bad(value, "服务器地址应为 milvus://主机:端口"))
        return StoreSpec("milvus-server", f"{match['host']}:{match['port'] or DEFAULT_PORT}")
    if value.startswith("milvus:"):
        path = value.removeprefix("milvus:")
        if not path.endswith(".db") or path.endswith("/.db"):
            raise StoreSpecError(_bad(value, "milvus-lite 文件名须以 .db 结尾"))
        return StoreSpec("milvus-lite", path)
    raise StoreSpecError(_bad(value, "只接受 local、milvus:文件.db 或 milvus://主机:端口"))


def connection_args(spec: StoreSpec, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``pymilvus.MilvusClient``: the URI plus secrets from ``env``."""
    env = os.environ if env is None else env
    if spec.kind == "milvus-lite":
        return {"uri": str(Path(spec.location).resolve())}
    if spec.kind != "milvus-server":
        raise StoreSpecError(f"{spec.describe()} is not a Milvus store. / 这不是 Milvus 存储。")
    tls = env.get("XIANLI_MILVUS_TLS", "").lower() in ("1", "true", "yes")
    args: dict[str, Any] = {"uri": f"{'https' if tls else 'http'}://{spec.location}"}
    if env.get("XIANLI_MILVUS_TOKEN"):
        args["token"] = env["XIANLI_MILVUS_TOKEN"]
    elif env.get("XIANLI_MILVUS_USER"):
        args["user"] = env["XIANLI_MILVUS_USER"]
        args["password"] = env.get("XIANLI_MILVUS_PASSWORD", "")
    if tls and env.get("XIANLI_MILVUS_CA"):
        args["server_pem_path"] = env["XIANLI_MILVUS_CA"]
    return args


def _bad(value: str, why: str) -> str:
    return (
        f"--store {value!r} 无法识别：{why}。/ Unrecognised --store {value!r}: use 'local', "
        "'milvus:PATH.db' (an embedded milvus-lite file) or 'milvus://HOST:19530' (a server; "
        "user, password and TLS from XIANLI_MILVUS_* environment variables)."
    )


def open_store(spec: StoreSpec) -> Any:
    """The live index behind ``spec`` as a ``LoadedIndex`` (local directory or Milvus)."""
    from index import store

    if not spec.is_milvus:
        return store.open_index(spec.location)
    from index.milvus_store import open_milvus  # pymilvus only when Milvus is asked for

    return open_milvus(spec)
