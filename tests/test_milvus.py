"""The Milvus store: the --store spec, builds into milvus-lite, generations and their errors."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index import milvus_rows, milvus_store
from index.milvus_build import build_milvus
from index.milvus_engine import FieldFilter, decode_tokens, encode_tokens
from index.store import IndexMismatch, IndexNotFound
from index.store_spec import StoreSpecError, connection_args, parse_store
from search import Searcher
from tests.conftest import BUNDLED_CORPUS
from tests.fakes import FakeEmbedder


@pytest.mark.parametrize(
    ("text", "kind", "location"),
    [
        (None, "local", "data/index"),
        ("local", "local", "data/index"),
        ("milvus:data/x.db", "milvus-lite", "data/x.db"),
        ("milvus://db.example.org", "milvus-server", "db.example.org:19530"),
        ("milvus://10.0.0.5:29530/", "milvus-server", "10.0.0.5:29530"),
    ],
)
def test_store_specs(text: str | None, kind: str, location: str) -> None:
    spec = parse_store(text, "data/index")
    assert (spec.kind, spec.location) == (kind, location)


@pytest.mark.parametrize(
    "bad", ["milvus:data/x", "milvus://", "milvus://h:99999", "milvus://u:p@h:1", "faiss:x"]
)
def test_bad_store_specs_say_what_is_accepted(bad: str) -> None:
    with pytest.raises(StoreSpecError, match=r"无法识别.*milvus://HOST:19530"):
        parse_store(bad, "data/index")


def test_server_secrets_come_from_the_environment() -> None:
    spec = parse_store("milvus://h:19530", "")
    env = {"XIANLI_MILVUS_USER": "u", "XIANLI_MILVUS_PASSWORD": "p", "XIANLI_MILVUS_TLS": "1"}
    assert connection_args(spec, env) == {"uri": "https://h:19530", "user": "u", "password": "p"}
    assert connection_args(spec, {}) == {"uri": "http://h:19530"}


@pytest.mark.parametrize(
    "tokens", [["停车", "泊位"], ["《条例》", "粤府〔2020〕1号", "a_b", "x-y"]]
)
def test_tokens_encode_to_word_characters_and_back(tokens: list[str]) -> None:
    encoded = encode_tokens(tokens)
    assert all(c.isalnum() or c in " _" for c in encoded)
    assert decode_tokens(encoded) == tokens


def test_a_side_of_the_passages_becomes_a_field_filter() -> None:
    where = FieldFilter({"reply": np.array([0, 2, 3]), "question": np.array([1])})
    assert where.expression(np.array([3, 0, 2])) == 'field == "reply"'
    assert where.expression(np.array([0, 2])) == "id in [0,2]"
    assert where.expression(None) == ""


@pytest.fixture
def lite(tmp_path: Path) -> str:
    return f"milvus:{tmp_path / 'x.db'}"


SMALL = [  # plain-text files of the bundled corpus: quick to read
    "s01_proposal_reply_specialized_sme_park.txt",
    "s02_suggestion_reply_elevator_retrofit.md",
    "s05_proposal_reply_parking.txt",
    "s08_proposal_reply_noise_cooking_fumes.txt",
    "s09_suggestion_reply_primary_care.md",
]


def _corpus(tmp_path: Path, drop: str = "") -> Path:
    corpus = tmp_path / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir()
    for name in SMALL:
        if name != drop:
            shutil.copy(BUNDLED_CORPUS / name, corpus / name)
    return corpus


def test_a_killed_build_leaves_the_last_generation_answering_and_a_rebuild_reuses_vectors(
    tmp_path: Path, lite: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, gone = parse_store(lite, ""), "s05_proposal_reply_parking.txt"
    first = build_milvus([_corpus(tmp_path)], spec, embedder=FakeEmbedder())
    before = Searcher.load("", embedder=FakeEmbedder(), store=lite).search("停车 泊位", k=3)
    assert before[0].doc_id == gone

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # killed once every collection is written
        patch.setattr(milvus_store, "switch_alias", killed)
        with pytest.raises(KeyboardInterrupt):
            build_milvus([_corpus(tmp_path, drop=gone)], spec, embedder=FakeEmbedder())
    after = Searcher.load("", embedder=FakeEmbedder(), store=lite)
    assert after.search("停车 泊位", k=3) == before and len(after.replies) == len(SMALL)

    embedder = FakeEmbedder()
    second = build_milvus([_corpus(tmp_path, drop=gone)], spec, embedder=embedder)
    assert first.embedded > 0 and second.embedded == 0 and sum(embedder.calls) == 0
    rebuilt = Searcher.load("", embedder=FakeEmbedder(), store=lite)
    assert gone not in rebuilt.replies and len(rebuilt.replies) == len(SMALL) - 1
    assert gone not in [h.doc_id for h in rebuilt.search("停车 泊位", k=3)]
    # the killed build's leftovers are dropped; the generation before stays for old readers
    names = milvus_store.connect(spec).list_collections()
    assert len({n.rsplit("_", 1)[0] for n in names}) == 2


def test_another_model_or_no_index_is_a_clear_error(tmp_path: Path, lite: str) -> None:
    with pytest.raises(IndexNotFound, match=f"python -m index build .*--store {lite}"):
        Searcher.load("", embedder=FakeEmbedder(), store=lite)
    build_milvus([_corpus(tmp_path)], parse_store(lite, ""), embedder=FakeEmbedder())
    with pytest.raises(IndexMismatch, match="--model"):
        Searcher.load("", embedder=FakeEmbedder(dimension=32), store=lite)


def test_a_server_that_is_down_names_the_fix() -> None:
    with pytest.raises(milvus_store.MilvusUnavailable, match=r"XIANLI_MILVUS_USER.*--store local"):
        milvus_store.connect(parse_store("milvus://127.0.0.1:9", ""))


def test_build_and_search_from_the_command_line(
    tmp_path: Path, lite: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import __main__ as index_cli
    from index import milvus_cli
    from search import __main__ as search_cli

    monkeypatch.setattr(milvus_cli, "load_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr(search_cli.Searcher, "load", _with_fake_embedder(search_cli.Searcher.load))
    assert index_cli.main(["build", "--corpus", str(_corpus(tmp_path)), "--store", lite]) == 0
    assert "milvus_flat" in capsys.readouterr().out
    assert search_cli.main(["--store", lite, "--json", "停车 泊位"]) == 0
    assert "s05_proposal_reply_parking.txt" in capsys.readouterr().out.splitlines()[0]
    assert index_cli.main(["build", "--corpus", "c", "--store", "milvus:x"]) == 2
    assert "无法识别" in capsys.readouterr().err


def _with_fake_embedder(load: Callable[..., Searcher]) -> Callable[..., Searcher]:
    def loaded(*args: object, **kwargs: object) -> Searcher:
        return load(*args, **{**kwargs, "embedder": FakeEmbedder()})

    return loaded


def test_long_filter_values_are_cut_at_a_character() -> None:
    cut = milvus_rows.short("青岚市" * 40)
    assert len(cut.encode()) <= 256 and cut == "青岚市" * 28 + "青"
    assert milvus_rows.short(None) == ""


def test_stored_vectors_come_back_in_the_order_asked(tmp_path: Path, lite: str) -> None:
    build_milvus([_corpus(tmp_path)], parse_store(lite, ""), embedder=FakeEmbedder())
    dense = Searcher.load("", embedder=FakeEmbedder(), store=lite).index.dense
    got = dense.vectors(np.array([4, 0]))
    scores, ids = dense.search(got, 1)  # each stored vector is nearest to itself
    assert ids[:, 0].tolist() == [4, 0] and np.allclose(scores[:, 0], 1.0, atol=1e-4)
