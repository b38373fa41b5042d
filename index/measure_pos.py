"""Part-of-speech tags for measure titles: jieba's posseg with the domain dictionary."""

from __future__ import annotations

import functools
import threading

import jieba
import jieba.posseg

from index.segment import DEFAULT_DICTIONARY, jieba_cache_dir
from index.segment import _jieba_quiet as jieba_quiet

_EXTRA_WORDS = (("约谈", "v"), ("棚改", "n"), ("维保", "vn"), ("加装", "v"), ("发放", "v"))
_lock = threading.Lock()
_tagger: jieba.posseg.POSTokenizer | None = None


@functools.lru_cache(maxsize=4096)
def tag(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and part-of-speech tags of ``text`` (domain dictionary loaded)."""
    return tuple((p.word, p.flag) for p in _pos_tokenizer().cut(text, HMM=False))


def _pos_tokenizer() -> jieba.posseg.POSTokenizer:
    """One tagger per process, loaded on first use (about a second from jieba's cache)."""
    global _tagger
    with _lock:
        if _tagger is None:
            tok = jieba.Tokenizer()
            tok.tmp_dir = str(jieba_cache_dir())
            with jieba_quiet():  # jieba's load messages go to logging, not stderr
                tok.load_userdict(str(DEFAULT_DICTIONARY))
                for word, flag in _EXTRA_WORDS:
                    tok.add_word(word, tag=flag)
            _tagger = jieba.posseg.POSTokenizer(tok)
        return _tagger
