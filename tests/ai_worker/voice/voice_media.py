"""Independent readers for the voice tests: ffprobe for files, a WebVTT parser written from
the format's rules (not from ai_worker.voice.webvtt), and an autocorrelation pitch estimate."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

FFPROBE = shutil.which("ffprobe")
needs_ffprobe = pytest.mark.skipif(FFPROBE is None, reason="ffprobe not installed (make test-tools)")


def ffprobe(path: Path) -> dict:
    """ffprobe's JSON for the file's streams and format."""
    assert FFPROBE is not None
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def ffprobe_packets(path: Path) -> list[tuple[float, float]]:
    """(pts, duration) in seconds of every packet ffprobe's demuxer reads from the file."""
    assert FFPROBE is not None
    out = subprocess.run(
        [
            FFPROBE,
            "-v",
            "error",
            "-show_packets",
            "-show_entries",
            "packet=pts_time,duration_time",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [(float(p["pts_time"]), float(p["duration_time"])) for p in json.loads(out.stdout)["packets"]]


@dataclass
class VttCue:
    ident: str | None
    start: float
    end: float
    text: str


_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME} --> {_TIME}(?: .*)?$")


def _secs(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str) -> list[VttCue]:
    """Cues of a WebVTT file; raises AssertionError on anything the format does not allow."""
    assert "\r" not in text
    blocks = text.split("\n\n")
    header = blocks[0].split("\n")
    assert header[0] == "WEBVTT" or header[0].startswith(("WEBVTT ", "WEBVTT\t")), header[0]
    cues = []
    for block in blocks[1:]:
        lines = [line for line in block.split("\n")]
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            continue
        ident = None
        if "-->" not in lines[0]:
            ident = lines.pop(0)
            assert "-->" not in ident
        match = _TIMING.match(lines[0])
        assert match, f"bad timing line {lines[0]!r}"
        g = match.groups()
        body = "\n".join(lines[1:])
        assert body.strip(), "empty cue text"
        assert "-->" not in body
        assert "<" not in body.replace("&lt;", "")
        cues.append(VttCue(ident, _secs(*g[:4]), _secs(*g[4:]), body))
    return cues


def f0(pcm: np.ndarray, rate: int, fmin: float = 60.0, fmax: float = 400.0) -> float:
    """Median fundamental frequency (Hz) of the voiced 40 ms frames, by normalised autocorrelation."""
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    x = np.asarray(pcm, dtype=np.float64)
    rms = np.array([np.sqrt(np.mean(x[i : i + frame] ** 2)) for i in range(0, len(x) - frame, hop)])
    loud = rms > 0.3 * rms.max()
    lo, hi = int(rate / fmax), int(rate / fmin)
    found = []
    for k, i in enumerate(range(0, len(x) - frame, hop)):
        if not loud[k]:
            continue
        seg = x[i : i + frame] - x[i : i + frame].mean()
        ac = np.correlate(seg, seg, mode="full")[frame - 1 :]
        if ac[0] <= 0:
            continue
        ac = ac / ac[0]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.5:  # clearly periodic: voiced
            found.append(rate / lag)
    assert len(found) > 10, "too few voiced frames to estimate pitch"
    return float(np.median(found))


def semitones(a: float, b: float) -> float:
    return 12 * float(np.log2(a / b))
