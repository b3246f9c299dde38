"""Phoneme and word times of spoken audio, from an engine's per-phoneme sample counts.

Phonemes: the engine's symbols with stress marks folded into the sound after them and length
marks and diacritics into the sound before ("ˈ", "o" -> "ˈo"; "u", "ː" -> "uː"), each with
start and end in seconds. Words: the engine separates words with a gap symbol, so a sentence's
sounds fall into phoneme words; when there are as many of those as text words they pair up
one to one. espeak-ng sometimes joins words ("I am" -> "aɪɐm") or splits one ("42" ->
"fˈɔːɹɾi tˈuː"); then each text word is spoken alone to learn how many phonemes it has, and
the sentence's sounds are shared out in those proportions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .phonemes import STRESS, WORD_GAP, is_modifier, is_sound, split_symbols
from .text import Word


@dataclass(frozen=True)
class PhonemeTiming:
    """One phoneme (IPA, espeak-ng flavour) or a silence ("^", "$", "_", " ", punctuation)."""

    phoneme: str
    start: float
    end: float

    @property
    def sound(self) -> bool:
        return is_sound(self.phoneme.lstrip("ˈˌ")[:1])


@dataclass(frozen=True)
class WordTiming:
    """One text word and when it is heard."""

    text: str  # as written, with its punctuation
    word: str  # bare
    start: float
    end: float
    sentence: int  # index of its sentence in the text


def merge_modifiers(phones: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """(symbol, start, end) with modifiers merged into their sound (see the module docstring)."""
    out: list[tuple[str, int, int]] = []
    pending: tuple[str, int] | None = None  # stress marks waiting for their sound
    for sym, start, end in phones:
        if sym in STRESS:
            pending = (pending[0] + sym, pending[1]) if pending else (sym, start)
            continue
        if is_modifier(sym):
            if out and is_sound(out[-1][0].lstrip("ˈˌ")[:1]):
                prev = out[-1]
                out[-1] = (prev[0] + sym, prev[1], end)
                continue
            sym = ""  # a stray modifier: keep its time as silence
        if pending:
            if is_sound(sym):
                sym, start = pending[0] + sym, pending[1]
            else:
                out.append(("_", pending[1], start))
            pending = None
        out.append((sym or "_", start, end))
    if pending:
        out.append(("_", pending[1], phones[-1][2]))
    return out


def word_spans(
    phones: Sequence[tuple[str, int, int]],
    text_words: Sequence[Word],
    alone_phonemes: Callable[[], Sequence[str] | None],
) -> list[tuple[int, int]]:
    """(start, end) in samples of each text word of one sentence, from its merged phones.

    alone_phonemes gives each word's phonemes spoken alone; it is only called when the
    sentence's phoneme words do not pair up with its text words.
    """
    if not text_words:
        return []
    groups: list[list[tuple[int, int]]] = [[]]
    for sym, start, end in phones:
        if is_sound(sym.lstrip("ˈˌ")[:1]):
            groups[-1].append((start, end))
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    if not groups:  # nothing voiced: give every word the whole sentence
        lo, hi = phones[0][1], phones[-1][2]
        return [(lo, hi)] * len(text_words)
    if len(groups) == len(text_words):
        return [(g[0][0], g[-1][1]) for g in groups]
    alone = alone_phonemes()
    counts = [_word_groups(a) for a in alone] if alone is not None else None
    if counts and sum(counts) == len(groups) and all(counts):
        spans, i = [], 0
        for c in counts:
            spans.append((groups[i][0][0], groups[i + c - 1][-1][1]))
            i += c
        return spans
    sounds = [s for g in groups for s in g]
    sizes = [_sound_count(a) for a in alone] if alone is not None else [max(1, len(w.bare) // 2) for w in text_words]
    sizes = [max(1, s) for s in sizes]
    total, n = sum(sizes), len(sounds)
    spans, acc = [], 0
    for size in sizes:
        first = min(n - 1, round(acc * n / total))
        acc += size
        last = max(first, min(n - 1, round(acc * n / total) - 1))
        spans.append((sounds[first][0], sounds[last][1]))
    return spans


def _word_groups(ipa: str) -> int:
    return sum(1 for chunk in ipa.split(WORD_GAP) if any(is_sound(s) for s in split_symbols(chunk)))


def _sound_count(ipa: str) -> int:
    return sum(1 for s in split_symbols(ipa) if is_sound(s))
