"""WebVTT subtitles timed by the words of the speech.

A cue is a phrase: it ends at a sentence's end, after a comma-like pause once it has three
words, or before it would pass MAX_CUE_CHARS / MAX_CUE_WORDS (two short subtitle lines'
worth). Its start is its first word's start and its end its last word's end, so cues never
overlap and never run past the audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .timing import WordTiming

MAX_CUE_CHARS = 42
MAX_CUE_WORDS = 8
_PHRASE_END = (",", ";", ":", "—", "–")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(words: Sequence[WordTiming]) -> list[Cue]:
    """The words grouped into phrase cues (see the module docstring)."""
    out: list[Cue] = []
    group: list[WordTiming] = []

    def flush() -> None:
        if group:
            out.append(Cue(group[0].start, max(group[-1].end, group[0].start + 0.001), " ".join(w.text for w in group)))
            group.clear()

    for word in words:
        if group and (
            word.sentence != group[-1].sentence
            or len(group) >= MAX_CUE_WORDS
            or len(" ".join(w.text for w in group)) + 1 + len(word.text) > MAX_CUE_CHARS
            or (len(group) >= 3 and group[-1].text.endswith(_PHRASE_END))
        ):
            flush()
        group.append(word)
    flush()
    # a cue may not start before the previous one ends (word spans can touch)
    for i in range(1, len(out)):
        if out[i].start < out[i - 1].end:
            out[i - 1] = Cue(out[i - 1].start, out[i].start, out[i - 1].text)
    return out


def timestamp(seconds: float) -> str:
    """WebVTT's hh:mm:ss.ttt."""
    ms = max(0, int(round(seconds * 1000)))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def escape(text: str) -> str:
    """Cue text with WebVTT's reserved characters escaped and no line that could end the cue."""
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split()).replace(
        "-->", "--&gt;"
    )


def render(cue_list: Sequence[Cue]) -> str:
    """A WebVTT document of the cues, numbered from 1."""
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(cue_list, start=1):
        lines += [str(n), f"{timestamp(cue.start)} --> {timestamp(cue.end)}", escape(cue.text), ""]
    return "\n".join(lines)
