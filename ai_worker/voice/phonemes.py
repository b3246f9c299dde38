"""What kind of symbol each character of an espeak/IPA phoneme string is.

Both engines phonemize with espeak-ng and hand over the result one Unicode code point at a
time (NFD), so stress marks, length marks and combining diacritics arrive as their own
"phonemes"; timing and viseme code needs to know which symbols are sounds and which only
modify a neighbour.
"""

from __future__ import annotations

import unicodedata

BOUNDARY = frozenset({"^", "$"})  # the engine's leading / trailing silence
WORD_GAP = " "
SILENCE = "_"  # a pause speak() puts between sentences
PAUSES = frozenset(",.;:!?…—-–\"'()")
STRESS = frozenset({"ˈ", "ˌ"})  # belong to the sound after them
LENGTH = frozenset({"ː", "ˑ"})  # belong to the sound before them
VOWELS = frozenset("aeiouyæɑɐɒɔəɘɚɛɜɝɞɤɨɪʉʊʌʏøœɶɯɵᵻ")


def is_modifier(symbol: str) -> bool:
    """A stress or length mark, a tie or a combining diacritic: no sound of its own."""
    if symbol in STRESS or symbol in LENGTH:
        return True
    if symbol in ("\u200d", "\u0361", "\u035c"):
        return True
    return bool(symbol) and all(unicodedata.combining(ch) for ch in symbol)


def is_sound(symbol: str) -> bool:
    """A phoneme that makes a sound (not silence, word gap, pause or modifier)."""
    return (
        bool(symbol)
        and symbol not in BOUNDARY
        and symbol not in (WORD_GAP, SILENCE)
        and symbol not in PAUSES
        and not is_modifier(symbol)
    )


def is_vowel(symbol: str) -> bool:
    return symbol in VOWELS


def split_symbols(ipa: str) -> list[str]:
    """An IPA string as the engines hand it over: one NFD code point per symbol, ties dropped."""
    return [ch for ch in unicodedata.normalize("NFD", ipa) if ch not in ("\u200d", "\u0361", "\u035c")]
