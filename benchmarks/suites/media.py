"""Media: what the AI worker's pictures, voice and videos cost on this machine's CPU, and what
the content credentials (the invisible watermark in every frame and the C2PA signature) add.

Every figure is measured in this process, in the same run: a video's CPU seconds are the
process's (PyAV's encoder threads included), its wall seconds the clock's. The anchor of each
"credentials on" row is the same work with credentials off.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..context import Context
from ..core import Row, suite

COMPONENT = "Media"
NO_ANCHOR = "—"
VIDEO_S = 15.0
VIDEO_SIZE = (1280, 720)
VIDEO_FPS = 24
VIDEO_GOAL_CPU_S = 60.0
RTF_GOAL = 0.3
IMAGE_SIZE = 512
IMAGE_GOAL_S = 2.0
IMAGES = 8


def goal_word(value: float | None, goal: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value < goal else "not met"


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """(what work returned, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return out, time.perf_counter() - wall, time.process_time() - cpu


@suite("media", title="Media: pictures, voice, video and content credentials")
def media(ctx: Context) -> Iterator[Row]:
    """A 15-second 720p video at 24 fps of the demo persona, end to end through the worker's
    pipeline (script given so the language model's time is not counted; voice-over, storyboard,
    frames from the avatar rig with lip sync, H.264 + AAC mux), first with credentials off, then on
    (each frame watermarked, the MP4 signed with C2PA by a worker certificate made for the run);
    per-stage CPU seconds from the video module's own clock. Pictures: the rig at 512 x 512, 8
    requests, with and without watermark + signature. Voice: the real-time factor of speech
    synthesis over the voice module's sentences (synthesis seconds per audio second)."""
    from eth_account import Account

    from ai_worker.avatar.generator import AvatarImageGenerator
    from ai_worker.credentials.certs import ensure_credentials
    from ai_worker.persona import EXAMPLE_SPEC
    from ai_worker.pipeline import ContentPipeline
    from ai_worker.video import make_video
    from ai_worker.video.measure import measure_script
    from ai_worker.voice import VoiceProfile, measure_rtf, speak

    account = Account.from_key("0x" + "5e" * 32)  # a throwaway key for the run's certificate
    with tempfile.TemporaryDirectory() as tmp:
        creds = ensure_credentials(Path(tmp), account)
        gen = AvatarImageGenerator(size=IMAGE_SIZE)
        plain = ContentPipeline(account, generator=gen)
        signed = ContentPipeline(account, generator=gen, credentials=creds)

        script = measure_script(VIDEO_S)
        speak("Ready.", VoiceProfile(), "calm")  # the voice loads once per worker process, not per video

        def video(pipe: ContentPipeline) -> Any:
            """The pipeline's make_video with the measured script in place of the captioner's."""
            frame_filter = pipe.sealer.frame_filter(1, 1)
            result = make_video(EXAMPLE_SPEC, script, seed=1, size=VIDEO_SIZE, fps=VIDEO_FPS, frame_filter=frame_filter)
            data, _ = pipe.sealer.seal(
                result.mp4,
                "video/mp4",
                persona_id=1,
                request_id=1,
                persona_name="Nova Lux",
                models=dict(result.models),
                emotion="joy",
                seed=1,
                brief_hash=None,
                watermarked=pipe.sealer.active,
            )
            return result, data

        (off, off_bytes), off_wall, off_cpu = timed(lambda: video(plain))
        (on, on_bytes), on_wall, on_cpu = timed(lambda: video(signed))
        label = f"{VIDEO_SIZE[1]}p {VIDEO_FPS} fps, {on.duration:.1f} s"
        yield Row(
            COMPONENT,
            f"video {label} end to end, CPU seconds, credentials on "
            f"(goal < {VIDEO_GOAL_CPU_S:.0f} s on 2 cores: {goal_word(on_cpu, VIDEO_GOAL_CPU_S)})",
            round(on_cpu, 1),
            "credentials off",
            round(off_cpu, 1),
            unit="CPU s",
        )
        yield Row(
            COMPONENT,
            f"video {label} end to end, wall seconds",
            round(on_wall, 1),
            "credentials off",
            round(off_wall, 1),
            unit="s",
        )
        for stage in ("speech", "storyboard", "frames", "filter", "encode"):
            yield Row(
                COMPONENT,
                f"video stage {stage}, CPU seconds ({on.n_frames} frames, {on.renders} distinct faces drawn)",
                round(on.cpu_timings.get(stage, 0.0), 2),
                NO_ANCHOR,
                None,
                unit="CPU s",
            )
        yield Row(
            COMPONENT,
            f"video bytes per second of {label} (H.264 + AAC)",
            round(len(on_bytes) / on.duration),
            "credentials off",
            round(len(off_bytes) / off.duration),
            unit="B/s",
        )

        def pictures(pipe: ContentPipeline) -> None:
            for i in range(IMAGES):
                pipe.make(persona_id=1, request_id=100 + i, spec=EXAMPLE_SPEC, emotion="joy")

        _, plain_s, _ = timed(lambda: pictures(plain))
        _, signed_s, _ = timed(lambda: pictures(signed))
        per = signed_s / IMAGES
        yield Row(
            COMPONENT,
            f"picture {IMAGE_SIZE} x {IMAGE_SIZE} from the avatar rig, seconds each, credentials on "
            f"(goal < {IMAGE_GOAL_S:.0f} s: {goal_word(per, IMAGE_GOAL_S)})",
            round(per, 3),
            "credentials off",
            round(plain_s / IMAGES, 3),
            unit="s",
        )

    rtf = measure_rtf()
    yield Row(
        COMPONENT,
        f"text to speech real-time factor, {rtf.engine} (goal < {RTF_GOAL}: {goal_word(rtf.rtf, RTF_GOAL)})",
        round(rtf.rtf, 3),
        NO_ANCHOR,
        None,
        unit="s/s",
    )
