"""The robotic fallback: Debian's espeak-ng binary, one subprocess per sentence.

Used when the neural voice's packages are not importable. One call both writes the WAV and
prints the IPA of each clause; espeak-ng's command line gives no phoneme times (only its
MBROLA voices do), so durations are estimated from the audio (timing_estimate.py). Results
say so: ModelInfo.kind contains "fallback" and Speech.exact_timings is False.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from ..model_info import ModelInfo
from .engine import RawSentence
from .errors import VoiceError
from .phonemes import split_symbols
from .timing_estimate import estimate_phone_samples

BASE_WPM = 175  # espeak-ng's default speed, the rate length_scale 1.0 stands for
_TIMEOUT_S = 60


def espeak_binary() -> str | None:
    """Path of espeak-ng (FAME_ESPEAK_NG overrides the PATH lookup), or None."""
    configured = os.environ.get("FAME_ESPEAK_NG")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("espeak-ng")


class EspeakEngine:
    """espeak-ng speaking `voice` (an espeak voice name such as en-us)."""

    fallback = True
    length_exponent = 1.0  # words per minute act linearly
    sample_rate = 22050

    def __init__(self, binary: str, voice: str = "en-us") -> None:
        self.binary = binary
        self.voice = voice
        self.voice_id = f"espeak-ng-{voice}"
        version = self._run(["--version"]).split("Data at")[0].strip() or "unknown"
        self.model = ModelInfo(
            name=f"espeak-ng/{voice}",
            version=version.removeprefix("eSpeak NG text-to-speech:").strip(),
            kind="formant TTS (espeak-ng), fallback: no neural voice installed; phoneme times estimated",
        )

    def _run(self, args: list[str]) -> str:
        try:
            done = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=_TIMEOUT_S, check=True)
        except (OSError, subprocess.SubprocessError) as err:
            raise VoiceError(f"espeak-ng failed ({err}); check `{self.binary} --version` runs") from err
        return done.stdout

    def synthesize(self, sentence: str, length_scale: float, noise_scale: float, noise_w: float) -> RawSentence:
        wpm = int(round(min(450, max(80, BASE_WPM / max(length_scale, 1e-3)))))
        with tempfile.TemporaryDirectory(prefix="fame-espeak-") as tmp:
            wav_path = Path(tmp) / "s.wav"
            ipa = self._run(["-v", self.voice, "-s", str(wpm), "--ipa", "-w", str(wav_path), "--", sentence])
            with wave.open(str(wav_path), "rb") as wav:
                if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                    raise VoiceError("espeak-ng wrote an unexpected WAV format (want 16-bit mono)")
                self.sample_rate = wav.getframerate()
                pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
        peak = float(np.max(np.abs(pcm))) if len(pcm) else 0.0
        if peak > 1e-6:
            pcm = (pcm / peak).astype(np.float32)  # peak-normalise like the neural voice
        clauses = [line.strip() for line in ipa.splitlines() if line.strip()]
        symbols = ["^"]
        for i, clause in enumerate(clauses):
            if i:
                symbols += [",", " "]
            symbols += split_symbols(clause)
        symbols.append("$")
        samples = estimate_phone_samples(symbols, pcm)
        return RawSentence(text=sentence, pcm=pcm, phones=tuple(zip(symbols, samples, strict=True)), exact=False)

    def word_phonemes(self, words: list[str]) -> list[str] | None:
        if not words:
            return []
        out = self._run(["-v", self.voice, "-q", "--ipa", "--", ".\n".join(words) + "."])
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        return lines if len(lines) == len(words) else None
