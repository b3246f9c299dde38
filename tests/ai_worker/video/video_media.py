"""Independent readers for the video tests: ffprobe for the MP4, PyAV for its frames, a walk
over the MP4's top-level boxes, and a WebVTT parser written from the format's rules (not
from ai_worker.voice.webvtt)."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

NOVA = Path(__file__).resolve().parents[3] / "docs" / "examples" / "persona-nova.json"
TWO_SHOTS = "[joy, static] Hello, space fans, what a lovely night to look up! [sadness, static] The probe went quiet."
PUSH_IN = "[calm, push-in] We watched the sky together for a long, quiet hour tonight."
SMALL = (320, 180)
MARK = (255, 0, 0)


def stamp(image):
    """The test's frame filter: a red 4x4 mark in the bottom-right corner, on a copy."""
    out = image.copy()
    w, h = out.size
    out.paste(MARK, (w - 4, h - 4, w, h))
    return out


FFPROBE = shutil.which("ffprobe")
needs_ffprobe = pytest.mark.skipif(FFPROBE is None, reason="ffprobe not installed (make test-tools)")


def ffprobe(data: bytes, tmp: Path) -> dict:
    """ffprobe's JSON for the streams and format of an MP4 held in memory."""
    assert FFPROBE is not None
    path = tmp / "probe.mp4"
    path.write_bytes(data)
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def decode_frames(data: bytes) -> list[np.ndarray]:
    """Every video frame of the MP4 as an RGB array (height, width, 3), in order."""
    import av

    with av.open(io.BytesIO(data)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def top_level_boxes(data: bytes) -> list[str]:
    """The types of the MP4's top-level boxes, in file order."""
    out, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:
            size = len(data) - pos
        assert size >= 8, f"bad box size at {pos}"
        out.append(kind.decode("latin-1"))
        pos += size
    assert pos == len(data), "boxes do not tile the file"
    return out


def region(frame: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The pixels of a (left, top, right, bottom) box, clipped to the frame, as floats."""
    h, w = frame.shape[:2]
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(round(box[2]))), min(h, int(round(box[3])))
    return frame[y0:y1, x0:x1].astype(np.float64)


def mean_diff(a: np.ndarray, b: np.ndarray, box: tuple[float, float, float, float]) -> float:
    return float(np.abs(region(a, box) - region(b, box)).mean())


@dataclass
class VttCue:
    start: float
    end: float
    text: str


_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME} --> {_TIME}(?: .*)?$")


def _secs(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str) -> list[VttCue]:
    """Cues of a WebVTT file; AssertionError on anything the format does not allow."""
    assert "\r" not in text and "\x00" not in text
    blocks = text.split("\n\n")
    header = blocks[0].split("\n")
    assert header[0] == "WEBVTT" or header[0].startswith(("WEBVTT ", "WEBVTT\t")), header[0]
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            continue
        if "-->" not in lines[0]:
            ident = lines.pop(0)
            assert "-->" not in ident
        match = _TIMING.match(lines[0])
        assert match, f"bad timing line {lines[0]!r}"
        g = match.groups()
        body = "\n".join(lines[1:])
        assert body.strip(), "empty cue text"
        assert "-->" not in body
        cues.append(VttCue(_secs(*g[:4]), _secs(*g[4:]), body))
    return cues


def words_of(text: str) -> list[str]:
    """Lower-case words with their punctuation removed."""
    return [w for w in (re.sub(r"[^\w']", "", t).lower() for t in text.split()) if w]
