"""The storyboard: the script cut into shots, each timed by the speech's words, with its
emotion keyframes and its camera move.

One shot per sentence; a sentence over MAX_SHOT_WORDS words is cut at its commas (or
semicolons, colons, dashes) into phrases; pieces shorter than MIN_SHOT_S are joined to their
neighbour within the same script line. A cut falls halfway through the pause between two
shots' words, on a frame boundary. The first shot opens at 0, the last ends with the video.

Per shot, seeded by (seed, shot index): the emotion is the line's direction or the video's
emotion; the intensity starts between 0.6 and 0.85 (higher after "!"), and a second keyframe
later in the shot drifts it a little, adds surprise to a question, lifts an exclamation.
The camera is the line's direction or: a push-in to open, a pull-out to close, and between
them a static, pan or push-in that differs from the shot before; shots under
MIN_MOVING_SHOT_S stay static (a move needs time to read).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..avatar.facs import Expression, mix
from ..voice.speech import Speech
from ..voice.text import sentences, words
from .camera import Camera
from .script import PAN, Script

MAX_SHOT_WORDS = 14
MIN_SHOT_S = 0.7
MIN_MOVING_SHOT_S = 1.2
MAX_YAW = 0.12
_PHRASE = re.compile(r"(?<=[,;:—–])\s+")


@dataclass(frozen=True)
class Keyframe:
    """The face aimed for from `at` (seconds on the video's clock): a mixture of emotions with
    their weights, strongest first."""

    at: float
    mix: tuple[tuple[str, float], ...]

    @property
    def emotion(self) -> str:
        return self.mix[0][0]

    @property
    def intensity(self) -> float:
        return self.mix[0][1]

    def aus(self) -> Expression:
        return mix(dict(self.mix))

    def to_json(self) -> dict[str, Any]:
        return {"at": round(self.at, 3), "mix": {e: round(w, 3) for e, w in self.mix}}


@dataclass(frozen=True)
class Shot:
    """One shot: its words (indices [first, last) into speech.words), when it runs, its
    emotion keyframes, its camera move and the head's turn (yaw -1..1)."""

    index: int
    text: str
    start: float
    end: float
    emotion: str
    keyframes: tuple[Keyframe, ...]
    camera: Camera
    words: tuple[int, int]
    yaw: float = 0.0

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "emotion": self.emotion,
            "keyframes": [k.to_json() for k in self.keyframes],
            "camera": self.camera.move,
            "words": list(self.words),
            "yaw": self.yaw,
        }


@dataclass(frozen=True)
class Storyboard:
    """The shots of one video, back to back from 0 to duration (n_frames / fps)."""

    shots: tuple[Shot, ...]
    duration: float
    fps: int
    size: tuple[int, int]
    emotion: str
    seed: int
    script: str = field(repr=False)

    @property
    def n_frames(self) -> int:
        return int(round(self.duration * self.fps))

    def shot_at(self, t: float) -> Shot:
        for shot in self.shots:
            if t < shot.end:
                return shot
        return self.shots[-1]

    def to_json(self) -> dict[str, Any]:
        return {
            "duration": round(self.duration, 3),
            "fps": self.fps,
            "size": list(self.size),
            "emotion": self.emotion,
            "seed": self.seed,
            "script": self.script,
            "shots": [s.to_json() for s in self.shots],
        }


@dataclass
class _Piece:
    text: str
    n_words: int
    line: int
    emotion: str | None
    camera: str | None
    first: int = 0  # index of its first word in speech.words
    last: int = 0


def frame_count(seconds: float, fps: int) -> int:
    """Frames a video of `seconds` of audio needs: enough to show the last sound."""
    return max(1, int(-(-round(seconds * fps * 1000) // 1000)))


def build_storyboard(
    script: Script, speech: Speech, emotion: str, seed: int, fps: int, size: tuple[int, int]
) -> Storyboard:
    """The storyboard of `script` as `speech` says it (see the module docstring)."""
    n_frames = frame_count(speech.duration, fps)
    duration = n_frames / fps
    pieces = _pieces(script)
    _assign_words(pieces, len(speech.words))
    pieces = _join_short(pieces, speech)
    cuts = [0.0]
    for before, after in zip(pieces, pieces[1:], strict=False):
        gap_mid = (speech.words[before.last - 1].end + speech.words[after.first].start) / 2
        cuts.append(min(n_frames - 1, max(1, round(gap_mid * fps))) / fps)
    cuts.append(duration)
    shots: list[Shot] = []
    for i, piece in enumerate(pieces):
        start, end = cuts[i], cuts[i + 1]
        if end <= start:  # two cuts on one frame: the piece joins the shot before
            shots[-1] = replace(
                shots[-1], text=shots[-1].text + " " + piece.text, words=(shots[-1].words[0], piece.last)
            )
            continue
        shots.append(_shot(len(shots), piece, start, end, emotion, seed, len(pieces), shots[-1] if shots else None))
    return Storyboard(tuple(shots), duration, fps, size, emotion, seed, script.text)


def _pieces(script: Script) -> list[_Piece]:
    out: list[_Piece] = []
    for n, line in enumerate(script.lines):
        for sentence in sentences(line.text):
            count = len(words(sentence))
            if count <= MAX_SHOT_WORDS:
                out.append(_Piece(sentence, count, n, line.emotion, line.camera))
                continue
            for phrase in _phrases(sentence):
                out.append(_Piece(phrase, len(words(phrase)), n, line.emotion, line.camera))
    return [p for p in out if p.n_words]


def _phrases(sentence: str) -> list[str]:
    """A long sentence cut at its phrase marks into pieces of at least four words."""
    out: list[str] = []
    for part in _PHRASE.split(sentence):
        if out and len(words(out[-1])) < 4:
            out[-1] += " " + part
        else:
            out.append(part)
    if len(out) > 1 and len(words(out[-1])) < 4:
        last = out.pop()
        out[-1] += " " + last
    return out


def _assign_words(pieces: list[_Piece], n_words: int) -> None:
    """Each piece's range of speech.words. The speech splits words the way the script does, so
    the counts agree; were an engine ever to disagree, ranges are shared out in proportion."""
    total = sum(p.n_words for p in pieces)
    acc = 0
    for p in pieces:
        p.first = round(acc * n_words / total)
        acc += p.n_words
        p.last = round(acc * n_words / total)


def _join_short(pieces: list[_Piece], speech: Speech) -> list[_Piece]:
    def seconds(p: _Piece) -> float:
        return speech.words[p.last - 1].end - speech.words[p.first].start if p.last > p.first else 0.0

    out: list[_Piece] = []
    for p in pieces:
        if p.last <= p.first:
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.line == p.line and (seconds(prev) < MIN_SHOT_S or seconds(p) < MIN_SHOT_S):
            prev.text += " " + p.text
            prev.n_words += p.n_words
            prev.last = p.last
            continue
        out.append(p)
    return out


def _shot(
    index: int, piece: _Piece, start: float, end: float, base: str, seed: int, n_pieces: int, before: Shot | None
) -> Shot:
    rng = random.Random(f"fameengine-video-shot:{seed}:{index}")
    emotion = piece.emotion or base
    text = piece.text.rstrip("\"')”’ ")
    exclaim, question = text.endswith("!"), text.endswith("?")
    i0 = min(1.0, 0.6 + 0.25 * rng.random() + (0.1 if exclaim else 0.0))
    keys = [Keyframe(start, ((emotion, round(i0, 3)),))]
    duration = end - start
    if duration >= 1.0:
        i1 = min(1.0, max(0.35, i0 + rng.uniform(-0.15, 0.15) + (0.1 if exclaim else 0.0)))
        second: tuple[tuple[str, float], ...] = ((emotion, round(i1, 3)),)
        if question and emotion != "surprise":
            second += (("surprise", 0.3),)
        keys.append(Keyframe(start + duration * rng.uniform(0.55, 0.7), second))
    yaw = round(rng.uniform(-MAX_YAW, MAX_YAW) / 0.02) * 0.02
    return Shot(
        index=index,
        text=piece.text,
        start=start,
        end=end,
        emotion=emotion,
        keyframes=tuple(keys),
        camera=Camera.of(_camera(piece.camera, rng, index, n_pieces, duration, before)),
        words=(piece.first, piece.last),
        yaw=round(yaw, 2),
    )


def _camera(asked: str | None, rng: random.Random, index: int, n: int, duration: float, before: Shot | None) -> str:
    if asked == PAN:
        return rng.choice(["pan-left", "pan-right"])
    if asked is not None:
        return asked
    if duration < MIN_MOVING_SHOT_S:
        return "static"
    if index == 0:
        return "push-in"
    if index == n - 1:
        return "pull-out"
    previous = before.camera.move if before else None
    return rng.choice([m for m in ("static", "pan-left", "pan-right", "push-in") if m != previous])
