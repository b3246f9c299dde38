"""What the persona says in a video: a given script, or one asked of a writer.

A script is plain text. A direction in square brackets at the start of a phrase pins that
shot's emotion and/or camera move and begins a new shot there; directions are never spoken:

    "[joy] Hello, space fans! [sadness, static] The probe went quiet last night. [push-in] But we keep listening."

Direction words are emotion names (ai_worker.emotions) and camera moves (CAMERA_MOVES; "pan"
lets the storyboard pick the side). Anything else in brackets is refused, so a typo cannot
be read aloud or silently ignored.

    script = parse_script(text)                           # a given script
    script = write_script(spec, "joy", writer, seed=3)     # asked of a Writer (templates by default)

A writer's posts are cleaned for speaking (no hashtags, links, mentions, emoji or brackets)
and several posts are joined, sentence by sentence and without repeats, until the script is
about TARGET_CHARS long (some fifteen seconds of speech).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..emotions import EMOTIONS, INDEX
from ..model_info import ModelInfo
from ..persona import PersonaProfile, as_profile
from ..runtime.writer import TemplateWriter, Writer
from ..voice.text import sentences
from .errors import ScriptError, ScriptTooLong

CAMERA_MOVES: tuple[str, ...] = ("static", "push-in", "pull-out", "pan-left", "pan-right")
PAN = "pan"  # a pan whose side the storyboard picks
MAX_SCRIPT_CHARS = 600  # spoken characters, directions not counted
MAX_SPEECH_S = 60.0
# Characters a voice at rate 1.0 speaks per second, for refusing long scripts before speaking
# them (the neural voice measures about 16; a lower figure errs towards refusing early).
CHARS_PER_SECOND = 15.0
TARGET_CHARS = 220
WRITER_ATTEMPTS = 6

GIVEN_SCRIPT = ModelInfo("fameengine/given-script", "1", "script supplied by the caller, no language model")

_DIRECTION = re.compile(r"\[([^\[\]]*)\]")
_HASHTAG_RUN = re.compile(r"(?:\s*#\w+)+\s*$")
_HASHTAG = re.compile(r"#(\w+)")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")


@dataclass(frozen=True)
class Line:
    """One stretch of the script and the directions that open it (None: the storyboard picks)."""

    text: str
    emotion: str | None = None
    camera: str | None = None


@dataclass(frozen=True)
class Script:
    """A script ready to speak. text is what is spoken (the lines joined, directions removed);
    model is who wrote it; template is True when the labelled template fallback wrote it."""

    text: str
    lines: tuple[Line, ...]
    model: ModelInfo
    ai_label: str | None = None
    template: bool = False
    seed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "lines": [{"text": ln.text, "emotion": ln.emotion, "camera": ln.camera} for ln in self.lines],
            "model": self.model.to_json(),
            "aiLabel": self.ai_label,
            "template": self.template,
            "seed": self.seed,
        }


def parse_script(
    text: str, model: ModelInfo = GIVEN_SCRIPT, ai_label: str | None = None, template: bool = False, seed: int = 0
) -> Script:
    """The script in `text` with its bracket directions read (see the module docstring).

    Raises ScriptError for a script with no words or an unknown direction, ScriptTooLong for
    one over MAX_SCRIPT_CHARS spoken characters.
    """
    lines: list[Line] = []
    emotion: str | None = None
    camera: str | None = None
    cursor = 0
    for match in _DIRECTION.finditer(text):
        _add_line(lines, text[cursor : match.start()], emotion, camera)
        emotion, camera = _directions(match.group(1))
        cursor = match.end()
    _add_line(lines, text[cursor:], emotion, camera)
    if not lines:
        raise ScriptError("the script has nothing to say: write at least one word outside [directions]")
    spoken = " ".join(line.text for line in lines)
    if len(spoken) > MAX_SCRIPT_CHARS:
        raise ScriptTooLong(
            f"script too long for one video ({len(spoken)} > {MAX_SCRIPT_CHARS} spoken characters); "
            "split it into several videos"
        )
    return Script(spoken, tuple(lines), model, ai_label, template, seed)


def check_speakable(script: Script, rate: float) -> None:
    """Refuse, before any speech is made, a script the voice at `rate` would take over
    MAX_SPEECH_S to say (estimated at CHARS_PER_SECOND)."""
    estimate = len(script.text) / (CHARS_PER_SECOND * max(rate, 1e-3))
    if estimate > MAX_SPEECH_S:
        raise ScriptTooLong(
            f"script too long for one video (about {estimate:.0f} s of speech > {MAX_SPEECH_S:.0f} s); shorten it"
        )


def check_spoken(seconds: float) -> None:
    """Refuse speech over MAX_SPEECH_S (a slow voice can pass the estimate and still run long)."""
    if seconds > MAX_SPEECH_S:
        raise ScriptTooLong(
            f"script too long for one video ({seconds:.1f} s of speech > {MAX_SPEECH_S:.0f} s); shorten it"
        )


def write_script(
    persona: PersonaProfile | dict[str, Any] | str | bytes | None,
    emotion: str,
    writer: Writer | None = None,
    seed: int = 0,
    target_chars: int = TARGET_CHARS,
) -> Script:
    """A script in `emotion` asked of `writer` (None: the labelled TemplateWriter): its posts
    for seeds seed, seed+1, ... cleaned and joined until about target_chars long."""
    profile = as_profile(persona)
    author: Writer = writer if writer is not None else TemplateWriter()
    kept: list[str] = []
    seen: set[str] = set()
    model, label, template = author.info, None, False
    for attempt in range(WRITER_ATTEMPTS):
        written = author.post(profile, emotion, seed + attempt)
        if attempt == 0:
            model, label = written.model, written.ai_label
        template = template or written.template
        for sentence in sentences(speakable(written.text)):
            key = sentence.casefold()
            if key in seen or len(" ".join([*kept, sentence])) > min(target_chars * 2, MAX_SCRIPT_CHARS):
                continue
            seen.add(key)
            kept.append(sentence)
        if len(" ".join(kept)) >= target_chars:
            break
    if not kept:
        raise ScriptError(f"the writer {author.info.name} gave nothing speakable for {profile.name}; pass a script")
    return parse_script(" ".join(kept), model=model, ai_label=label, template=template, seed=seed)


def speakable(text: str) -> str:
    """A post as something to say aloud: trailing hashtags dropped, inline ones read as words,
    links, mentions, emoji and brackets removed, a full stop added if the end has none."""
    text = _LINK.sub(" ", text)
    text = _HASHTAG_RUN.sub("", text)
    text = _HASHTAG.sub(r"\1", text)
    text = _MENTION.sub(" ", text)
    text = "".join(ch for ch in text if _speakable_char(ch))
    text = " ".join(text.split())
    if text and text[-1] not in ".!?…":
        text += "."
    return text


def _speakable_char(ch: str) -> bool:
    if ch in "[]{}<>":
        return False
    category = unicodedata.category(ch)
    # emoji and pictographs are symbols (So); variation selectors and joiners are format marks
    return not (category in ("So", "Sk", "Cf", "Co", "Cn") or (category == "Sm" and ch not in "+=%"))


def _add_line(lines: list[Line], chunk: str, emotion: str | None, camera: str | None) -> None:
    words = " ".join(chunk.split())
    if any(ch.isalnum() for ch in words):
        lines.append(Line(words, emotion, camera))


def _directions(body: str) -> tuple[str | None, str | None]:
    emotion: str | None = None
    camera: str | None = None
    for raw in re.split(r"[,\s]+", body.strip()):
        word = raw.strip().lower()
        if not word:
            continue
        if word in INDEX:
            emotion = word
        elif word in CAMERA_MOVES or word == PAN:
            camera = word
        else:
            raise ScriptError(
                f"unknown direction [{body}] ({word!r}); use an emotion ({', '.join(EMOTIONS)}) "
                f"and/or a camera move ({', '.join((*CAMERA_MOVES, PAN))})"
            )
    return emotion, camera
