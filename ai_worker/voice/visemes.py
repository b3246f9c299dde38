"""Mouth shapes for lip sync: one small, fixed viseme set and the phoneme -> viseme table.

The set is the classic ten-shape one animators use (rest, AI, E, O, U, MBP, FV, L, WQ, etc),
small enough for a 2D mouth atlas or a 3D avatar's blend shapes. A phoneme's viseme is that
of its first sound symbol (stress marks dropped); diphthongs arrive as two symbols and so
move the mouth twice, as they should. Silences shorter than MIN_REST_S between sounds do not
close the mouth: the previous shape holds, which avoids chattering between words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .timing import PhonemeTiming

VISEMES: tuple[str, ...] = ("rest", "AI", "E", "O", "U", "MBP", "FV", "L", "WQ", "etc")

# IPA / espeak-ng symbol -> viseme. Anything sounding and not listed is "etc" (tongue and
# teeth consonants: t d k g n ŋ s z ʃ ʒ θ ð h ɹ r j ɾ ʔ x ...); silences are "rest".
PHONEME_VISEME: dict[str, str] = {
    **dict.fromkeys("aɑæʌɐɶ", "AI"),
    **dict.fromkeys("eɛiɪəɘɚɜɝᵻɨyʏ", "E"),
    **dict.fromkeys("oɔɒøœɞɤ", "O"),
    **dict.fromkeys("uʊʉɯɵ", "U"),
    **dict.fromkeys("mbpɱ", "MBP"),
    **dict.fromkeys("fvʋ", "FV"),
    **dict.fromkeys("lɫɭʎ", "L"),
    **dict.fromkeys("wʍɥ", "WQ"),
}

MIN_REST_S = 0.08


@dataclass(frozen=True)
class VisemeCue:
    """The mouth holds `viseme` from start to end (seconds)."""

    viseme: str
    start: float
    end: float


def viseme_of(phoneme: str) -> str:
    """The viseme for one phoneme timing's symbol ("rest" for silences)."""
    core = phoneme.lstrip("ˈˌ")[:1]
    probe = PhonemeTiming(phoneme, 0.0, 0.0)
    if not probe.sound:
        return "rest"
    return PHONEME_VISEME.get(core, "etc")


def viseme_timeline(phonemes: Sequence[PhonemeTiming], duration: float) -> list[VisemeCue]:
    """Contiguous, ordered cues from 0 to `duration`, neighbours always different."""
    raw = [(viseme_of(p.phoneme), p.start, p.end) for p in phonemes if p.end > p.start]
    cues: list[list[object]] = []
    for i, (vis, start, end) in enumerate(raw):
        between_sounds = 0 < i < len(raw) - 1 and cues and cues[-1][0] != "rest"
        if vis == "rest" and between_sounds and end - start < MIN_REST_S and raw[i + 1][0] != "rest":
            vis = str(cues[-1][0])
        if cues and cues[-1][0] == vis:
            cues[-1][2] = end
        else:
            cues.append([vis, start, end])
    out = [VisemeCue(str(v), float(s), float(e)) for v, s, e in cues]  # type: ignore[arg-type]
    if not out:
        return [VisemeCue("rest", 0.0, duration)]
    # close the timeline exactly at 0 and at the end of the audio
    out[0] = VisemeCue(out[0].viseme, 0.0, out[0].end)
    if out[-1].end < duration:
        if out[-1].viseme == "rest":
            out[-1] = VisemeCue("rest", out[-1].start, duration)
        else:
            out.append(VisemeCue("rest", out[-1].end, duration))
    return out
