"""What a video costs: CPU and wall seconds per stage for a video of about `seconds`, and
the bytes each second of it takes, for the benchmark suite and the operator's page.

The voice is loaded (and its load timed) before the clock starts, as it is once per process
in the worker; the script is given, so the writer's time is not part of the figure. It is
SENTENCES, as many as make `seconds` of speech: the steady voice says a text the same way
every time, so the length found while choosing them is the video's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..persona import PersonaProfile, as_profile
from ..voice.profile import VoiceProfile
from .pipeline import STAGES, make_video
from .script import CHARS_PER_SECOND, MAX_SCRIPT_CHARS, MAX_SPEECH_S
from .voice_over import voice_over

SENTENCES: tuple[str, ...] = (
    "Hello, space fans, and welcome back to the kitchen lab!",
    "Today we are baking a galaxy cake that glows under a blue lamp.",
    "The secret is a pinch of tonic water in the icing.",
    "Quinine shines under ultraviolet light, so the frosting lights up like a nebula.",
    "Did you know the same trick helps chemists find traces of it in drinks?",
    "I tried it three times before the colours came out right.",
    "Tell me what you would bake for a trip to Mars.",
    "See you next week, and keep looking up!",
    "Thanks for watching, and bring a friend next time.",
    "Every small experiment is a step toward the stars.",
)


@dataclass(frozen=True)
class VideoBenchmark:
    """One measured video: seconds per stage (wall and CPU), the video's length and size."""

    video_s: float
    width: int
    height: int
    fps: int
    frames: int
    renders: int  # distinct faces drawn
    wall_s: dict[str, float]
    cpu_s: dict[str, float]
    load_s: float  # loading the voice, before the clock started
    bytes: int
    fallbacks: dict[str, bool]

    @property
    def realtime(self) -> float:
        """Wall seconds per second of video (below 1: faster than it plays)."""
        return self.wall_s["total"] / self.video_s

    @property
    def cpu_per_video_s(self) -> float:
        return self.cpu_s["total"] / self.video_s

    @property
    def bytes_per_second(self) -> float:
        return self.bytes / self.video_s

    def to_json(self) -> dict[str, Any]:
        return {
            "video_s": round(self.video_s, 3),
            "size": [self.width, self.height],
            "fps": self.fps,
            "frames": self.frames,
            "renders": self.renders,
            "wall_s": {k: round(v, 3) for k, v in self.wall_s.items()},
            "cpu_s": {k: round(v, 3) for k, v in self.cpu_s.items()},
            "load_s": round(self.load_s, 3),
            "realtime": round(self.realtime, 3),
            "cpu_per_video_s": round(self.cpu_per_video_s, 3),
            "bytes": self.bytes,
            "bytes_per_second": round(self.bytes_per_second),
            "fallbacks": dict(self.fallbacks),
        }


def measure_script(
    seconds: float, persona: PersonaProfile | dict[str, Any] | str | bytes | None = None, emotion: str | None = None
) -> str:
    """SENTENCES, repeated as needed, until the persona's voice (None: the example persona's)
    takes at least `seconds` to say them in `emotion` (None: the persona's baseline)."""
    profile = as_profile(persona)
    voice = VoiceProfile.from_spec(profile)
    mood = emotion or profile.baseline
    seconds = min(seconds, MAX_SPEECH_S * 0.9)
    out: list[str] = []
    while len(" ".join(out)) < seconds * CHARS_PER_SECOND * voice.rate * 0.9:
        out.append(SENTENCES[len(out) % len(SENTENCES)])
    while voice_over(" ".join(out), voice, mood).duration < seconds and len(" ".join(out)) < MAX_SCRIPT_CHARS - 90:
        out.append(SENTENCES[len(out) % len(SENTENCES)])
    return " ".join(out)


def measure_video(
    seconds: float = 15.0,
    size: tuple[int, int] = (1280, 720),
    fps: int = 24,
    spec: PersonaProfile | dict[str, Any] | str | bytes | None = None,
    seed: int = 0,
) -> VideoBenchmark:
    """Make one video of about `seconds` and report what each stage cost."""
    profile = as_profile(spec)
    voice = VoiceProfile.from_spec(profile)
    started = time.perf_counter()
    voice_over("Ready.", voice, profile.baseline)  # loads the voice once, as a worker does at start
    load_s = time.perf_counter() - started
    script = measure_script(seconds, profile)
    video = make_video(profile, script, seed=seed, size=size, fps=fps)
    keys = (*STAGES, "total")
    return VideoBenchmark(
        video_s=video.duration,
        width=video.width,
        height=video.height,
        fps=video.fps,
        frames=video.n_frames,
        renders=video.renders,
        wall_s={k: video.timings.get(k, 0.0) for k in keys},
        cpu_s={k: video.cpu_timings.get(k, 0.0) for k in keys},
        load_s=load_s,
        bytes=len(video.mp4),
        fallbacks=dict(video.fallbacks),
    )
