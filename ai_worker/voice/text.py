"""Text into the units speech is made of: sentences (one engine call each) and words.

speak() calls the engine once per sentence of its own splitting, so every sentence's audio
and phonemes are known to belong to that sentence; words keep their punctuation for the
subtitles ("Hello," is shown, "hello" is what is timed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n\s*\n|\n")
_WORD = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’()[]{}«»,.;:!?…—–-*_"


@dataclass(frozen=True)
class Word:
    """One word of the text: as written (with punctuation) and bare."""

    written: str
    bare: str


def sentences(text: str) -> list[str]:
    """The sentences of `text` in order, whitespace tidied, empty ones dropped."""
    parts = _SENTENCE_END.split(text.strip())
    return [" ".join(p.split()) for p in parts if p and any(ch.isalnum() for ch in p)]


def words(sentence: str) -> list[Word]:
    """The words of one sentence; tokens of punctuation alone are attached to the word before."""
    out: list[Word] = []
    for token in _WORD.findall(sentence):
        bare = token.strip(_EDGE_PUNCT)
        if not any(ch.isalnum() for ch in bare):
            if out:
                out[-1] = Word(out[-1].written + " " + token, out[-1].bare)
            continue
        out.append(Word(token, bare))
    return out
