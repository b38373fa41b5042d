"""Word segmentation for the keyword side: jieba with a domain dictionary.

A :class:`Segmenter` owns its own ``jieba.Tokenizer`` (the global one is shared with
whatever else imports jieba) loaded with ``data/domain_dict.txt`` and the terms harvested
from the corpus, so agency names and terms such as 专精特新 stay whole. Its
:meth:`Segmenter.tokenize` is the keyword-side splitter: 文号 match across bracket styles,
《policy titles》 match whole and by their words, and stopwords and reply boilerplate
never count: BM25 over filler words (可以, 收悉) drags in unrelated passages.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import jieba

from index.docnum import BOOK_TITLE_RE, DOC_NUMBER_RE, canonical, normalize_doc_number, split_lead
from index.reply import Reply

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DICTIONARY = DATA_DIR / "domain_dict.txt"
DEFAULT_STOPWORDS = DATA_DIR / "stopwords.txt"

# Bump when the token rules below change, so an index built under the old rules reads as
# stale through dictionary_hash even when the word lists did not change.
RULES_VERSION = "1"
# Frequency given to corpus-harvested terms: high enough that jieba keeps a name whole
# rather than splitting it into its (individually more probable) parts.
EXTRA_TERM_FREQ = 2000

_DICT_LINE = re.compile(r"^(?P<word>\S+?)(?: (?P<freq>\d+))?(?: (?P<tag>[a-z]+))?$")
# jieba keeps only these characters together in one word (its re_han_default); a term with
# anything else (quotes, brackets, spaces) can never be a dictionary word.
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]{2,}$")
# Spans protected from jieba: a 《title》 or a 文号 (after normalisation to 〔〕).
_SPAN = re.compile(rf"{BOOK_TITLE_RE.pattern}|(?P<doc>{DOC_NUMBER_RE.pattern})")
_NUMERIC = re.compile(r"^[\d.,:/%‰+\-]+$")
# Single CJK characters are mostly particles or fragments jieba could not join, so they
# are dropped; these few are whole nouns that messages are about (停了水, 这条路, 交的费)
# and that jieba often leaves standing alone.
_KEEP_SINGLE = frozenset("水电气暖路桥房车税费田树井厕灯药粮煤油猪狗鱼矿河湖网")
# The copy count after a cc unit: 市政协提案委（1份）.
_COPY_COUNT = re.compile(r"\s*[（(]\s*\d+\s*份\s*[）)]\s*$")


def jieba_cache_dir() -> Path:
    """Where jieba keeps its prefix-dictionary cache (a marshal file it writes itself).

    ``$XIANLI_JIEBA_CACHE``, else ``~/.cache/xianli/jieba``: the user's own folder, not the
    system temp folder that every OS user shares (a second user could not overwrite the
    first one's cache there and got a PermissionError traceback).
    """
    env = os.environ.get("XIANLI_JIEBA_CACHE")
    folder = Path(env) if env else Path.home() / ".cache" / "xianli" / "jieba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"cannot create jieba's cache folder {folder} ({exc}); "
            "set XIANLI_JIEBA_CACHE to a writable folder"
        ) from exc
    return folder


class Segmenter:
    """jieba with the domain dictionary, stopwords and corpus terms; callable as a splitter."""

    def __init__(
        self,
        *,
        extra_terms: Iterable[str] = (),
        dictionary: Path | None = None,
        stopwords: Path | None = None,
    ) -> None:
        """Read the word lists now (so a bad file fails here); jieba itself loads on first use.

        ``extra_terms`` are kept whole (see :func:`harvest_terms`); ``dictionary`` is a jieba
        user dictionary ("word freq tag" per line) and ``stopwords`` one word per line with
        ``#`` comments; both default to the files in ``index/data/``.
        """
        if isinstance(extra_terms, str):
            raise TypeError(
                "extra_terms must be an iterable of terms, not one string: "
                "pass a list, e.g. extra_terms=[term]."
            )
        dict_path = Path(dictionary) if dictionary is not None else DEFAULT_DICTIONARY
        stop_path = Path(stopwords) if stopwords is not None else DEFAULT_STOPWORDS
        dict_text = _read_text(dict_path, "domain dictionary")
        stop_text = _read_text(stop_path, "stopword list")
        self._entries = _parse_dictionary(dict_text, dict_path)
        self._stopwords = frozenset(
            _nfkc(line.strip()).lower()
            for line in stop_text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        )
        self._extra = tuple(sorted({t for t in map(_clean_term, extra_terms) if t}))
        self._hash = _hash_inputs(dict_text, stop_text, self._extra)
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @property
    def dictionary_hash(self) -> str:
        """sha256 over the rules version, jieba version, dictionary, stopwords and extra terms."""
        return self._hash

    @property
    def extra_terms(self) -> tuple[str, ...]:
        """The extra terms, cleaned, sorted and unique."""
        return self._extra

    def cut(self, text: str) -> list[str]:
        """jieba tokens of ``text`` in search mode, without whitespace and punctuation.

        Search mode (``cut_for_search``) yields a long dictionary word *and* its 2- and
        3-character sub-words, so 焦作市工业和信息化局 stays one token while a query for
        信息化 or 工业 still matches it.
        """
        _check_text(text)
        return [w for w in self._tokenizer().cut_for_search(text) if _has_content(w)]

    def tokenize(self, text: str) -> list[str]:
        """Keyword-side tokens: lowercased, without stopwords, numbers and lone characters.

        A 文号 in any bracket style becomes one token in 〔〕 form; a 《title》 becomes one
        token (without 《》) followed by the tokens of its words.
        """
        _check_text(text)
        text = normalize_doc_number(_nfkc(text))
        tokens: list[str] = []
        pos = 0
        for m in _SPAN.finditer(text):
            tokens += self._words(text[pos : m.start()])
            if m["title"] is not None:
                tokens += self._title_tokens(m["title"])
            else:
                lead, token = _split_doc_number(m)
                tokens += [*self._words(lead), token]
            pos = m.end()
        tokens += self._words(text[pos:])
        return tokens

    def __call__(self, text: str) -> list[str]:
        """Same as :meth:`tokenize`, so a Segmenter plugs into bm25s as ``splitter``."""
        return self.tokenize(text)

    def _title_tokens(self, title: str) -> list[str]:
        whole = " ".join(title.split()).lower()
        return ([whole] if whole else []) + self.tokenize(title)

    def _words(self, segment: str) -> list[str]:
        if not segment.strip():
            return []
        out = []
        # Checks ordered cheapest first: this loop is most of tokenize's own cost.
        for word in self._tokenizer().cut_for_search(segment):
            if len(word) == 1:
                if word in _KEEP_SINGLE:
                    out.append(word)
                continue
            word = word.lower()
            if word in self._stopwords or not _has_content(word) or _NUMERIC.match(word):
                continue
            out.append(word)
        return out

    def _tokenizer(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                self._jieba = self._build()
            return self._jieba

    def _build(self) -> jieba.Tokenizer:
        tok = jieba.Tokenizer()
        tok.tmp_dir = str(jieba_cache_dir())
        with _jieba_quiet():
            tok.initialize()
        for word, freq, tag in self._entries:
            tok.add_word(word, freq, tag)
        added = 0
        for term in map(_nfkc, self._extra):
            if _JIEBA_WORD.match(term):
                tok.add_word(term, max(EXTRA_TERM_FREQ, tok.FREQ.get(term, 0)))
                added += 1
        logger.debug(
            "jieba loaded: %d domain words, %d of %d extra terms as words",
            len(self._entries),
            added,
            len(self._extra),
        )
        return tok


def harvest_terms(replies: Iterable[Reply]) -> list[str]:
    """Names worth keeping whole, from the corpus: sorted and unique.

    Issuers, co-handling and cc units (without the ``（1份）`` count), 文号 (normalised to
    〔〕), cited policy titles and proposal titles (without 《》).
    """
    terms: set[str] = set()
    for reply in replies:
        if not isinstance(reply, Reply):
            raise TypeError(f"harvest_terms expects Reply objects, got {type(reply).__name__}.")
        policies = reply.policies + tuple(p for m in reply.measures for p in m.policies)
        raw = [
            reply.issuer,
            reply.doc_number,
            reply.proposal_title,
            *reply.co_handlers,
            *(_COPY_COUNT.sub("", c) for c in reply.cc),
        ]
        raw += [x for p in policies for x in (p.title, p.doc_number)]
        terms.update(t for t in map(_clean_term, raw) if t)
    return sorted(terms)


def _clean_term(term: str | None) -> str:
    if term is None:
        return ""
    if not isinstance(term, str):
        raise TypeError(f"A term must be a string, got {type(term).__name__}: {term!r}.")
    term = " ".join(term.split()).strip("《》 ")
    return normalize_doc_number(term)


def _split_doc_number(m: re.Match[str]) -> tuple[str, str]:
    """(words captured before the issuer's abbreviation, the 文号 token)."""
    return split_lead(m["prefix"])[0], canonical(m)


def _nfkc(text: str) -> str:
    # Full-width letters and digits (ＡＢＣ１２３) become ASCII so both spellings match.
    return unicodedata.normalize("NFKC", text)


def _has_content(word: str) -> bool:
    return word[:1].isalnum() or any(ch.isalnum() for ch in word)


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"Segmenter expects a str, got {type(text).__name__}.")


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise FileNotFoundError(
            f"The {what} {path} does not exist: pass an existing file "
            "or leave the option unset to use the one in index/data/."
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"The {what} {path} is not UTF-8: save it as UTF-8.") from err


def _parse_dictionary(text: str, path: Path) -> list[tuple[str, int | None, str | None]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        m = _DICT_LINE.match(line)
        if m is None:
            raise ValueError(
                f"{path}, line {number}: {line!r} is not in jieba's format "
                "'word [freq] [tag]' (single spaces, lowercase tag)."
            )
        freq = int(m["freq"]) if m["freq"] else None
        entries.append((_nfkc(m["word"]), freq, m["tag"]))
    return entries


def _hash_inputs(dictionary: str, stopwords: str, extra: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in (
        f"rules {RULES_VERSION} jieba {jieba.__version__}",
        dictionary,
        stopwords,
        "\n".join(extra),
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@contextlib.contextmanager
def _jieba_quiet() -> Iterator[None]:
    """Detach jieba's own stderr handler while it loads.

    jieba's messages are DEBUG records on the ``jieba`` logger; without its console handler
    they reach the application's logging like any other library's, instead of stderr.
    """
    jieba_logger = jieba.default_logger
    handler = jieba.log_console
    attached = handler in jieba_logger.handlers
    if attached:
        jieba_logger.removeHandler(handler)
    try:
        yield
    finally:
        if attached:
            jieba_logger.addHandler(handler)
