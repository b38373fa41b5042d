"""Segmenter: 文号 and 《titles》 whole, domain terms whole, stopwords out, own jieba."""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
import pytest

from index.reply import Measure, Policy, Reply, Section, Source
from index.segment import DEFAULT_DICTIONARY, DEFAULT_STOPWORDS, Segmenter, harvest_terms

STOPWORDS = {
    line.strip()
    for line in DEFAULT_STOPWORDS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}
DOMAIN_WORDS = [line.split()[0] for line in DEFAULT_DICTIONARY.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter()


@pytest.mark.parametrize(
    "written",
    [
        "焦政[2018]7号",
        "焦政（2018）7号",
        "焦政〔2018〕7号",
        "焦政【2018】7号",
        "焦政(2018)07号",
        "焦政［２０１８］7号",
    ],
)
def test_doc_number_is_one_token_whatever_the_brackets(seg: Segmenter, written: str) -> None:
    assert "焦政〔2018〕7号" in seg.tokenize(written)
    assert "焦政〔2018〕7号" in seg.tokenize(f"根据文件（{written}）要求")


def test_doc_number_after_a_verb_keeps_the_issuer_prefix_only(seg: Segmenter) -> None:
    tokens = seg.tokenize("市政府印发了焦政〔2018〕7号文件")
    assert "焦政〔2018〕7号" in tokens
    assert "印发" in tokens
    assert not any("了焦政" in t for t in tokens)


def test_policy_title_is_whole_and_also_split(seg: Segmenter) -> None:
    title = "焦作市人民政府关于支持制造业高质量发展的十条意见"
    tokens = seg.tokenize(f"先后出台《{title}》（焦政〔2018〕7号）")
    assert title in tokens
    assert {"高质量", "制造业", "十条", "焦政〔2018〕7号"} <= set(tokens)
    assert not any("《" in t or "》" in t for t in tokens)
    # A partial query shares words with the document, so it still matches.
    assert set(seg.tokenize("制造业高质量发展的意见")) & set(tokens)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("焦作市工业和信息化局牵头起草", "焦作市工业和信息化局"),
        ("经与市发展改革委共同研究", "市发展改革委"),
        ("市自然资源规划局负责用地", "市自然资源规划局"),
        ("市生态环境局开展检查", "市生态环境局"),
        ("县住房和城乡建设局回复", "住房和城乡建设局"),
        ("培育专精特新中小企业", "专精特新"),
        ("推动企业小升规", "小升规"),
        ("开展万人助万企活动", "万人助万企"),
        ("158个四化改造项目", "四化改造"),
        ("全市规上工业企业865家", "规上工业企业"),
        ("持续优化营商环境", "营商环境"),
        ("推进老旧小区改造和加装电梯", "老旧小区改造"),
        ("推进老旧小区改造和加装电梯", "加装电梯"),
        ("拨打12345热线反映", "12345热线"),
        ("深化放管服改革", "放管服"),
    ],
)
def test_domain_terms_stay_whole_in_context(seg: Segmenter, text: str, term: str) -> None:
    assert term in seg.tokenize(text)


def test_every_domain_dictionary_word_cuts_whole(seg: Segmenter) -> None:
    assert 150 <= len(DOMAIN_WORDS) <= 300
    broken = [w for w in DOMAIN_WORDS if w not in seg.cut(w)]
    assert broken == []


def test_stopwords_and_boilerplate_are_dropped(seg: Segmenter) -> None:
    text = "网友：您好！您的留言已收悉。现将有关情况回复如下：请问什么时候可以加装电梯？谢谢"
    tokens = seg.tokenize(text)
    assert "加装电梯" in tokens
    assert not set(tokens) & STOPWORDS
    assert not {"收悉", "您好", "网友", "什么", "时候", "可以", "请问"} & set(tokens)


def test_cut_keeps_what_tokenize_drops_but_not_punctuation(seg: Segmenter) -> None:
    words = seg.cut("您的留言已收悉。2022年，")
    assert {"留言", "收悉", "2022"} <= set(words)
    assert not {"。", "，", " "} & set(words)


def test_numbers_dropped_latin_lowercased(seg: Segmenter) -> None:
    tokens = seg.tokenize("2022年PM2.5下降10.6%，新建5G基站 1,200 个，ＡＢＣ公司")
    assert {"pm2.5", "5g基站", "abc"} <= set(tokens)
    assert not [
        t
        for t in tokens
        if any(ch.isdigit() for ch in t) and t.isascii() and not any(ch.isalpha() for ch in t)
    ]
    assert all(t == t.lower() for t in tokens)


def test_single_characters_only_from_the_keep_list(seg: Segmenter) -> None:
    tokens = seg.tokenize("小区停了水，这条路也坏了，我们很着急")
    assert "水" in tokens and "路" in tokens
    assert not {"了", "也", "很", "我"} & set(tokens)


def test_call_is_tokenize(seg: Segmenter) -> None:
    text = "关于《加快企业梯次培育的意见》（焦发〔2019〕6号）的落实"
    assert seg(text) == seg.tokenize(text)
    assert seg.tokenize("") == []
    assert seg.tokenize("。，！  ") == []


def test_extra_terms_are_kept_whole_and_hashed() -> None:
    name = "青岚市数据资源服务局"
    plain = Segmenter()
    assert name not in plain.tokenize(f"由{name}负责")
    extra = Segmenter(extra_terms=[f" {name} ", name, "焦工信[2022]64号", ""])
    assert name in extra.tokenize(f"由{name}负责")
    assert extra.extra_terms == ("焦工信〔2022〕64号", name)
    assert extra.dictionary_hash != plain.dictionary_hash


def test_dictionary_hash_is_stable_and_order_free() -> None:
    a = Segmenter(extra_terms=["乙局", "甲局"])
    b = Segmenter(extra_terms=["甲局", "乙局", "甲局"])
    assert a.dictionary_hash == b.dictionary_hash
    assert len(a.dictionary_hash) == 64


def test_custom_dictionary_and_stopwords(tmp_path: Path) -> None:
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("青岚云谷 2000 nz\n", encoding="utf-8")
    stopwords = tmp_path / "stop.txt"
    stopwords.write_text("# test list\n建设\n", encoding="utf-8")
    seg = Segmenter(dictionary=dictionary, stopwords=stopwords)
    tokens = seg.tokenize("青岚云谷建设专精特新")
    assert "青岚云谷" in tokens and "建设" not in tokens
    assert "专精特新" not in tokens  # the default dictionary is not loaded
    assert seg.dictionary_hash != Segmenter().dictionary_hash


def test_bad_inputs_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Segmenter(dictionary=tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("专精特新 2000 nz\n小升规  many\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        Segmenter(dictionary=bad)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("专精特新 2000 nz\n".encode("gbk"))
    with pytest.raises(ValueError, match="UTF-8"):
        Segmenter(dictionary=gbk)
    with pytest.raises(TypeError, match="not one string"):
        Segmenter(extra_terms="专精特新")
    with pytest.raises(TypeError, match="expects a str"):
        Segmenter().tokenize(None)  # type: ignore[arg-type]


def test_jieba_loads_quietly_through_logging(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="jieba")  # a CLI test may have quieted it
    seg = Segmenter(extra_terms=["青岚市某某局"])
    seg.tokenize("加载")
    assert capfd.readouterr().err == ""
    assert any(r.name == "jieba" and r.levelno == logging.DEBUG for r in caplog.records)
    assert jieba.log_console in jieba.default_logger.handlers  # global logger restored
    assert "青岚市某某局" not in jieba.dt.FREQ  # the global tokenizer is untouched


def test_harvest_terms() -> None:
    cited = Policy(title="关于支持工业经济高质量发展的若干意见", doc_number="焦发[2019]6号")
    reply = Reply(
        doc_id="r1",
        kind="proposal_reply",
        title="对第120号提案的答复",
        body="…",
        source=Source("a.txt"),
        issuer="焦作市工业和信息化局",
        doc_number="焦工信（2022）64号",
        proposal_title="《关于支持在中心城区设立高端制造业开发园区的提案》",
        co_handlers=("市商务局", "市发展改革委"),
        cc=("市政协提案委（1份）", "市政府督查室（1份）"),
        sections=(Section("一、工作基本情况", "…"),),
        measures=(Measure("政策", "…", "done", policies=(Policy("十条意见", "焦政〔2018〕7号"),)),),
        policies=(cited,),
    )
    other = Reply(
        doc_id="r2",
        kind="message_reply",
        title="t",
        body="b",
        source=Source("b"),
        issuer="市商务局",
    )
    assert harvest_terms([reply, other]) == sorted(
        [
            "焦作市工业和信息化局",
            "焦工信〔2022〕64号",
            "关于支持在中心城区设立高端制造业开发园区的提案",
            "市商务局",
            "市发展改革委",
            "市政协提案委",
            "市政府督查室",
            "关于支持工业经济高质量发展的若干意见",
            "焦发〔2019〕6号",
            "十条意见",
            "焦政〔2018〕7号",
        ]
    )
    with pytest.raises(TypeError, match="Reply"):
        harvest_terms(["not a reply"])  # type: ignore[list-item]


def test_seed_reply_tokens(seg: Segmenter, seed_path: Path) -> None:
    tokens = set(seg.tokenize(seed_path.read_text(encoding="utf-8")))
    assert {
        "焦政〔2018〕7号",
        "焦发〔2019〕6号",
        "焦发〔2020〕16号",
        "焦工信〔2022〕64号",
    } <= tokens
    assert "焦作市人民政府关于支持制造业高质量发展的十条意见" in tokens
    assert {"专精特新", "万人助万企", "四化改造", "小升规", "规上工业企业"} <= tokens
    assert not tokens & STOPWORDS


def test_jieba_cache_lives_in_the_users_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XIANLI_JIEBA_CACHE", str(tmp_path / "jieba"))
    assert Segmenter().tokenize("加装电梯")
    assert list((tmp_path / "jieba").glob("*.cache")), "jieba wrote its cache there"
