"""make_video: a persona's short talking-head video from its spec and a script.

script (given, or asked of a writer) -> speech (the persona's voice, with viseme and word
times) -> storyboard (shots timed by the words) -> frame plan (face and camera per frame) ->
frames (the rig, cached per distinct face) -> optional frame_filter -> MP4 (H.264 + AAC,
moov first) with a JPEG thumbnail and WebVTT subtitles.

Everything is seeded and the voice speaks without random variation (voice_over.py): the
same spec, script, emotion, writer, seed, size and fps give the same speech, storyboard and
frames and, with the same FFmpeg build, the same MP4 bytes.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from ..avatar.look import look_from_spec
from ..avatar.rig import RIG_NAME, RIG_VERSION
from ..emotions import check
from ..model_info import ModelInfo
from ..persona import PersonaProfile, as_profile
from ..runtime.writer import Writer
from ..voice.profile import VoiceProfile
from ..voice.prosody import prosody_for
from ..voice.speech import Speech
from .errors import VideoError
from .frames import FrameRenderer
from .mux import Mp4Writer, encoder_info, thumbnail_bytes
from .plan import FramePlan, plan_frames, thumbnail_frame
from .script import Script, check_speakable, check_spoken, parse_script, write_script
from .storyboard import Storyboard, build_storyboard
from .voice_over import voice_over

FrameFilter = Callable[[Image.Image], Image.Image]
Progress = Callable[[str, int, int], None]
STAGES: tuple[str, ...] = ("script", "speech", "storyboard", "frames", "encode")
MIN_SIDE, MAX_SIDE = 64, 1920
MAX_FPS = 60
MEDIA_TYPE = "video/mp4"
THUMBNAIL_TYPE = "image/jpeg"
AVATAR_INFO = ModelInfo(RIG_NAME, RIG_VERSION, "parametric 2D avatar rig (FACS expressions, viseme mouth shapes)")


@dataclass(frozen=True)
class VideoResult:
    """One finished video. timings / cpu_timings: wall and CPU seconds per stage (STAGES,
    "filter" when a frame_filter ran, and "total"); fallbacks: which parts came from a
    fallback ("voice": the robotic espeak-ng voice, "script": the template writer)."""

    mp4: bytes
    thumbnail: bytes
    vtt: str
    duration: float
    width: int
    height: int
    fps: int
    storyboard: Storyboard
    models: dict[str, ModelInfo]
    timings: dict[str, float]
    fallbacks: dict[str, bool]
    script: Script
    speech: Speech = field(repr=False)
    frames: tuple[FramePlan, ...] = field(repr=False)
    thumbnail_index: int = 0
    cpu_timings: dict[str, float] = field(default_factory=dict)
    renders: int = 0  # distinct faces the rig drew

    @property
    def fallback(self) -> bool:
        return any(self.fallbacks.values())

    @property
    def n_frames(self) -> int:
        return len(self.frames)

    def to_json(self) -> dict[str, Any]:
        """Everything but the media bytes, for a content manifest."""
        return {
            "mediaType": MEDIA_TYPE,
            "thumbnailType": THUMBNAIL_TYPE,
            "bytes": len(self.mp4),
            "duration": round(self.duration, 3),
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "frames": self.n_frames,
            "thumbnailFrame": self.thumbnail_index,
            "script": self.script.to_json(),
            "storyboard": self.storyboard.to_json(),
            "models": {k: m.to_json() for k, m in self.models.items()},
            "fallbacks": dict(self.fallbacks),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


class _Clock:
    """Wall and CPU seconds per stage (CPU: the whole process, encoder threads included)."""

    def __init__(self, progress: Progress | None) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.progress = progress
        self._start = (time.perf_counter(), time.process_time())

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.tell(name, 0, 1)
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.add(name, time.perf_counter() - wall, time.process_time() - cpu)
        self.tell(name, 1, 1)

    def add(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    def tell(self, name: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(name, done, total)

    def totals(self) -> None:
        self.wall["total"] = time.perf_counter() - self._start[0]
        self.cpu["total"] = time.process_time() - self._start[1]


def make_video(
    spec: PersonaProfile | dict[str, Any] | str | bytes | None,
    script: str | Script | None = None,
    emotion: str | None = None,
    writer: Writer | None = None,
    seed: int = 0,
    size: tuple[int, int] = (1280, 720),
    fps: int = 24,
    frame_filter: FrameFilter | None = None,
    progress: Progress | None = None,
    *,
    steady_voice: bool = True,
) -> VideoResult:
    """The persona's video saying `script` (None: written by `writer`, or by the labelled
    templates when writer is None) in `emotion` (None: the persona's baseline).

    size: (width, height), even, MIN_SIDE..MAX_SIDE; fps: 1..MAX_FPS. frame_filter: called on
    every frame (an RGB image of `size`) before it is encoded, returning the image to encode
    (the thumbnail is taken after it). progress(stage, done, total): called as each stage
    starts and ends and after each frame in "frames" and "encode"; an exception it raises
    stops the video. steady_voice: speak without the neural voice's random variation, so the
    same inputs give the same video (voice_over.py); False trades that for livelier speech.
    Raises ScriptTooLong / ScriptError for a script that cannot be one video (before any
    speech is made), UnknownEmotion for an emotion outside ai_worker.emotions, VideoError for
    a bad size or frame rate, VoiceUnavailable when no voice is installed.
    """
    width, height = _check_format(size, fps)
    profile = as_profile(spec)
    mood = check(emotion) if emotion is not None else profile.baseline
    given = parse_script(script) if isinstance(script, str) else script
    voice = VoiceProfile.from_spec(profile)
    if given is not None:
        check_speakable(given, voice.rate * prosody_for(mood).rate)

    clock = _Clock(progress)
    with clock.stage("script"):
        text = given if given is not None else write_script(profile, mood, writer, seed)
        check_speakable(text, voice.rate * prosody_for(mood).rate)
    with clock.stage("speech"):
        speech = voice_over(text.text, voice, mood, steady=steady_voice)
        check_spoken(speech.duration)
    with clock.stage("storyboard"):
        board = build_storyboard(text, speech, mood, seed, fps, (width, height))
        renderer = FrameRenderer(look_from_spec(profile), (width, height))
        plans = tuple(renderer.place(plan_frames(board, speech.visemes, seed)))
        thumb_at = thumbnail_frame(plans)

    thumbnail: Image.Image | None = None
    n = len(plans)
    with tempfile.TemporaryDirectory(prefix="fame-video-") as tmp:
        path = Path(tmp) / "video.mp4"
        loop_cpu = time.process_time()
        spent: dict[str, list[float]] = {"frames": [0.0, 0.0], "filter": [0.0, 0.0], "encode": [0.0, 0.0]}
        with Mp4Writer(path, (width, height), fps, speech.pcm, speech.sample_rate, n) as mp4:
            frames = renderer.frames(plans)
            for i in range(n):
                wall, cpu = time.perf_counter(), time.thread_time()
                plan, image = next(frames)
                _add(spent["frames"], wall, cpu)
                clock.tell("frames", i + 1, n)
                if frame_filter is not None:
                    wall, cpu = time.perf_counter(), time.thread_time()
                    image = _filtered(frame_filter, image, (width, height), plan.index)
                    _add(spent["filter"], wall, cpu)
                if plan.index == thumb_at:
                    thumbnail = image.copy()
                wall = time.perf_counter()
                mp4.add(image)
                spent["encode"][0] += time.perf_counter() - wall
                clock.tell("encode", i + 1, n)
            wall = time.perf_counter()
        spent["encode"][0] += time.perf_counter() - wall
        data = path.read_bytes()
    assert thumbnail is not None
    wall = time.perf_counter()
    thumb = thumbnail_bytes(thumbnail)
    spent["encode"][0] += time.perf_counter() - wall
    # encoder threads run beside the drawing: what the process spent beyond the drawing
    # thread's own time is the encoder's
    drawing = spent["frames"][1] + spent["filter"][1]
    spent["encode"][1] = max(0.0, time.process_time() - loop_cpu - drawing)
    for name in ("frames", "filter", "encode"):
        if name != "filter" or frame_filter is not None:
            clock.add(name, *spent[name])
    clock.totals()
    return VideoResult(
        mp4=data,
        thumbnail=thumb,
        vtt=speech.vtt,
        duration=board.duration,
        width=width,
        height=height,
        fps=fps,
        storyboard=board,
        models={"script": text.model, "voice": speech.model, "avatar": AVATAR_INFO, "encoder": encoder_info()},
        timings=clock.wall,
        fallbacks={"voice": speech.fallback, "script": text.template},
        script=text,
        speech=speech,
        frames=plans,
        thumbnail_index=thumb_at,
        cpu_timings=clock.cpu,
        renders=renderer.renders,
    )


def _add(acc: list[float], wall: float, cpu: float) -> None:
    acc[0] += time.perf_counter() - wall
    acc[1] += time.thread_time() - cpu


def _filtered(frame_filter: FrameFilter, image: Image.Image, size: tuple[int, int], index: int) -> Image.Image:
    out = frame_filter(image)
    if not isinstance(out, Image.Image) or out.size != size:
        got = out.size if isinstance(out, Image.Image) else type(out).__name__
        raise VideoError(f"frame_filter returned {got} for frame {index}; it must return a PIL image of {size}")
    return out if out.mode == "RGB" else out.convert("RGB")


def _check_format(size: tuple[int, int], fps: int) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError) as err:
        raise VideoError(f"size must be (width, height) in pixels, not {size!r}") from err
    for name, side in (("width", width), ("height", height)):
        if not MIN_SIDE <= side <= MAX_SIDE or side % 2:
            raise VideoError(f"video {name} {side} must be even and within {MIN_SIDE}..{MAX_SIDE} pixels")
    if isinstance(fps, bool) or not isinstance(fps, int) or not 1 <= fps <= MAX_FPS:
        raise VideoError(f"fps must be a whole number of frames per second within 1..{MAX_FPS}, not {fps!r}")
    return width, height
