"""Image generators: one interface, two implementations.

* EmbeddedImageGenerator (the default): FameEngine's own small class-conditional UNet
  (diffusers UNet2DModel, one class per emotion, on 2x2 pixel patches) trained on the procedural faces of
  ai_worker.dataset by ai_worker.train_image_model, shipped in ai_worker/models/emotion-unet.
  Runs on CPU, downloads nothing; sampling is DDIM with a few steps. It draws avatar faces
  only, so a request's free-text prompt is recorded but does not steer it.
* DiffusersPipelineGenerator(model_path): any diffusers text-to-image pipeline in a local
  folder (e.g. a checkout of stabilityai/sd-turbo). The emotion goes into the prompt; the
  device is picked automatically (cuda, then mps, then cpu) unless given.

    gen = EmbeddedImageGenerator()                      # or default_generator()
    img = gen.generate("joy", seed=42)                  # PIL.Image (32x32 RGB)
    gen = DiffusersPipelineGenerator("/models/sd-turbo", steps=1, guidance_scale=0.0)
    img = gen.generate("sadness", seed=7, prompt="a rainy street at night")

torch and diffusers are imported on first use, so importing this module is cheap.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PIL import Image

from fame.errors import FameError

from .emotions import EMOTIONS, INDEX, N_EMOTIONS, check
from .model_info import ModelInfo, package_version

MODEL_DIR = Path(__file__).resolve().parent / "models" / "emotion-unet"
MODEL_NAME = "fameengine/emotion-unet"
META_FILE = "fameengine.json"
DEFAULT_STEPS = 20

# What each emotion looks like, in words: the prompt fragment for text-to-image pipelines.
EMOTION_PROMPTS: dict[str, str] = {
    "joy": "joyful, beaming smile, bright warm golden light, cheerful",
    "sadness": "sad, teary eyes, downcast look, cold blue rainy light, melancholic",
    "anger": "angry, furrowed brows, clenched jaw, intense red light, fierce",
    "surprise": "surprised, wide eyes, open mouth, vivid magenta light, astonished",
    "calm": "calm, serene, eyes softly closed, gentle smile, soft green natural light, peaceful",
    "fear": "afraid, wide frightened eyes, pale, dark violet shadows, tense",
}


class ImageModelError(FameError):
    """The image model cannot be loaded or run."""


@runtime_checkable
class ImageGenerator(Protocol):
    """Makes one image showing `emotion`, deterministic in (emotion, seed, prompt) on one device."""

    info: ModelInfo

    def generate(self, emotion: str, seed: int, prompt: str | None = None) -> Image.Image: ...


# ---------------------------------------------------------------------------- the UNet

PATCH = 2  # the UNet works on 2x2 pixel patches (space-to-depth): 12 x 16 x 16 for 32 x 32 RGB
PREDICTION = "v_prediction"


def unet_config(size: int = 32, patch: int = PATCH) -> dict[str, Any]:
    """The embedded UNet's architecture (about 1.8 M parameters).

    The image is folded into patch x patch pixel blocks (torch.nn.functional.pixel_unshuffle)
    before the UNet and unfolded after it: the same diffusion in pixel space, at a quarter
    of the convolution cost, which is what makes CPU training in minutes possible.
    """
    return dict(
        sample_size=size // patch,
        in_channels=3 * patch * patch,
        out_channels=3 * patch * patch,
        layers_per_block=1,
        block_out_channels=(32, 64, 96),
        down_block_types=("DownBlock2D", "DownBlock2D", "AttnDownBlock2D"),
        up_block_types=("AttnUpBlock2D", "UpBlock2D", "UpBlock2D"),
        norm_num_groups=16,
        attention_head_dim=32,
        num_class_embeds=N_EMOTIONS,
    )


def scheduler_config(prediction: str = PREDICTION) -> dict[str, Any]:
    """The DDPM noise schedule the UNet is trained with (DDIM samples on the same one)."""
    return dict(
        num_train_timesteps=1000, beta_schedule="squaredcos_cap_v2", prediction_type=prediction, clip_sample=True
    )


def build_unet(size: int = 32, patch: int = PATCH):
    from diffusers import UNet2DModel

    return UNet2DModel(**unet_config(size, patch))


def fold(x, patch: int):
    """(N, 3, H, W) images to (N, 3*patch*patch, H/patch, W/patch) patches."""
    import torch.nn.functional as F

    return F.pixel_unshuffle(x, patch) if patch > 1 else x


def unfold(x, patch: int):
    import torch.nn.functional as F

    return F.pixel_shuffle(x, patch) if patch > 1 else x


def to_images(x) -> list[Image.Image]:
    """A batch in [-1, 1] (N, 3, H, W) as PIL images."""
    import numpy as np

    arr = ((x.detach().float().clamp(-1, 1) + 1) * 127.5).round().to("cpu").numpy().astype(np.uint8)
    return [Image.fromarray(a.transpose(1, 2, 0)) for a in arr]


def weights_sha256(model_dir: Path) -> str | None:
    path = Path(model_dir) / "unet" / "diffusion_pytorch_model.safetensors"
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


class EmbeddedImageGenerator:
    """FameEngine's own emotion-conditioned avatar model on CPU (see the module docstring).

    steps: DDIM steps per image; threads: torch CPU threads to use (None leaves torch's
    setting; 1 is fastest on a busy machine); output_size: resize the 32x32 result
    (nearest-neighbour, pixel-art look) or None for the native size.
    """

    def __init__(
        self,
        model_dir: str | Path | None = None,
        steps: int = DEFAULT_STEPS,
        threads: int | None = None,
        output_size: int | None = None,
        device: str = "cpu",
    ) -> None:
        import torch
        from diffusers import DDIMScheduler, UNet2DModel

        self.model_dir = Path(model_dir) if model_dir else MODEL_DIR
        if threads:
            torch.set_num_threads(int(threads))
        meta_path = self.model_dir / META_FILE
        try:
            self.meta = json.loads(meta_path.read_text())
            self.unet = (
                UNet2DModel.from_pretrained(self.model_dir / "unet", local_files_only=True, torch_dtype=torch.float32)
                .to(device)
                .eval()
            )
            # DDIM with "trailing" spacing: its first step starts from pure noise, which few-step sampling needs
            train_config = DDIMScheduler.load_config(self.model_dir / "scheduler", local_files_only=True)
            self.scheduler = DDIMScheduler.from_config(train_config, timestep_spacing="trailing")
        except (OSError, ValueError) as err:
            raise ImageModelError(
                f"cannot load the embedded image model from {self.model_dir} ({err.__class__.__name__}: {err}); "
                "rebuild it with `python -m ai_worker.train_image_model`"
            ) from None
        if list(self.meta.get("emotions", [])) != list(EMOTIONS):
            raise ImageModelError(
                f"the model in {self.model_dir} was trained on emotions {self.meta.get('emotions')}, "
                f"not {list(EMOTIONS)}; retrain it with `python -m ai_worker.train_image_model`"
            )
        self.steps = int(steps)
        self.device = device
        self.output_size = output_size
        self.patch = int(self.meta.get("patch", 1))
        self.size = int(self.unet.config.sample_size) * self.patch
        self.info = ModelInfo(
            MODEL_NAME,
            str(self.meta.get("version", "0")),
            "diffusers-unet2d-ddim",
            self.meta.get("weights_sha256") or weights_sha256(self.model_dir),
        )
        self._lock = threading.Lock()  # the scheduler keeps per-call state

    def generate(self, emotion: str, seed: int, prompt: str | None = None) -> Image.Image:
        """One face showing `emotion`; `prompt` is not used by this model (faces only)."""
        return self.generate_batch([emotion], [seed])[0]

    def generate_batch(self, emotions: list[str], seeds: list[int]) -> list[Image.Image]:
        """Several faces in one batch; image i is exactly what generate(emotions[i], seeds[i]) gives."""
        import torch

        if len(emotions) != len(seeds):
            raise ValueError("emotions and seeds must have the same length")
        labels = torch.tensor([INDEX[check(e)] for e in emotions], device=self.device)
        noise = torch.stack(
            [
                torch.randn((3, self.size, self.size), generator=torch.Generator().manual_seed(int(s) & (2**63 - 1)))
                for s in seeds
            ]
        ).to(self.device)
        with self._lock, torch.inference_mode():
            x = fold(noise, self.patch) * self.scheduler.init_noise_sigma
            self.scheduler.set_timesteps(self.steps)
            for t in self.scheduler.timesteps:
                out = self.unet(x, t, class_labels=labels).sample
                x = self.scheduler.step(out, t, x, eta=0.0).prev_sample
        images = to_images(unfold(x, self.patch))
        if self.output_size and self.output_size != self.size:
            images = [im.resize((self.output_size, self.output_size), Image.Resampling.NEAREST) for im in images]
        return images


# ---------------------------------------------------------------------------- any pipeline


def pick_device(device: str | None = None) -> str:
    """`device` if given, else cuda, mps or cpu, whichever this machine has first."""
    if device:
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def emotion_prompt(emotion: str, prompt: str | None = None, style: str | None = None) -> str:
    """The text prompt for a text-to-image pipeline: the emotion's look first (CLIP reads only
    the first 77 tokens), then the request's prompt (or a portrait), then the persona style."""
    subject = prompt.strip() if prompt and prompt.strip() else "portrait of a virtual influencer"
    parts = [EMOTION_PROMPTS[check(emotion)], subject, (style or "").strip()]
    return ", ".join(p for p in parts if p)


class DiffusersPipelineGenerator:
    """Any diffusers text-to-image pipeline stored in a local folder (nothing is downloaded).

    model_path: a folder with model_index.json (e.g. a git clone of stabilityai/sd-turbo).
    device: None picks cuda / mps / cpu. dtype: "float16" or "float32"; None is float16 on
    cuda and float32 elsewhere. steps / guidance_scale: None uses 1 step and no guidance for
    turbo-style checkpoints (the folder name contains "turbo"), else 25 steps and 7.5.
    style: words appended to every prompt (a persona's visual style). size: output width
    and height (None: the pipeline's default). negative_prompt: passed when guidance > 1.
    """

    def __init__(
        self,
        model_path: str | Path,
        device: str | None = None,
        dtype: str | None = None,
        steps: int | None = None,
        guidance_scale: float | None = None,
        style: str | None = None,
        size: int | None = None,
        negative_prompt: str | None = "blurry, deformed, text, watermark",
    ) -> None:
        import torch
        from diffusers import AutoPipelineForText2Image, DiffusionPipeline

        self.model_path = Path(model_path)
        if not (self.model_path / "model_index.json").exists():
            raise ImageModelError(
                f"{self.model_path} is not a diffusers pipeline folder (no model_index.json); "
                "point DiffusersPipelineGenerator at a local checkout"
            )
        self.device = pick_device(device)
        dtype = dtype or ("float16" if self.device == "cuda" else "float32")
        torch_dtype = getattr(torch, dtype)
        try:
            try:
                self.pipe = AutoPipelineForText2Image.from_pretrained(
                    self.model_path, torch_dtype=torch_dtype, local_files_only=True
                )
            except ValueError:  # a pipeline class AutoPipeline does not map
                self.pipe = DiffusionPipeline.from_pretrained(
                    self.model_path, torch_dtype=torch_dtype, local_files_only=True
                )
        except OSError as err:
            raise ImageModelError(f"cannot load the diffusers pipeline in {self.model_path}: {err}") from None
        self.pipe = self.pipe.to(self.device)
        if hasattr(self.pipe, "set_progress_bar_config"):
            self.pipe.set_progress_bar_config(disable=True)
        turbo = "turbo" in self.model_path.name.lower()
        self.steps = steps if steps is not None else (1 if turbo else 25)
        self.guidance_scale = guidance_scale if guidance_scale is not None else (0.0 if turbo else 7.5)
        self.style = style
        self.size = size
        self.negative_prompt = negative_prompt
        self.info = ModelInfo(
            self.model_path.name, f"local (diffusers {package_version('diffusers')})", type(self.pipe).__name__
        )

    def prompt_for(self, emotion: str, prompt: str | None = None) -> str:
        return emotion_prompt(emotion, prompt, self.style)

    def generate(self, emotion: str, seed: int, prompt: str | None = None) -> Image.Image:
        import torch

        gen_device = "cpu" if self.device == "mps" else self.device
        kwargs: dict[str, Any] = dict(
            prompt=self.prompt_for(emotion, prompt),
            num_inference_steps=self.steps,
            guidance_scale=self.guidance_scale,
            generator=torch.Generator(gen_device).manual_seed(int(seed) & (2**63 - 1)),
        )
        if self.guidance_scale > 1 and self.negative_prompt:
            kwargs["negative_prompt"] = self.negative_prompt
        if self.size:
            kwargs["height"] = kwargs["width"] = self.size
        out = self.pipe(**kwargs)
        return out.images[0]


_default: EmbeddedImageGenerator | None = None
_default_lock = threading.Lock()


def default_generator() -> EmbeddedImageGenerator:
    """The process-wide embedded generator, loaded once."""
    global _default
    with _default_lock:
        if _default is None:
            # One intra-op thread: the model is small (1.8M parameters), so more threads gain little
            # and, on a busy machine, OpenMP's spinning threads make each image ~30x slower
            # (measured here: 0.9 s on one thread against 27-34 s on two under load).
            _default = EmbeddedImageGenerator(threads=1)
        return _default
