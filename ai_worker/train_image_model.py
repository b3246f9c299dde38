"""Trains FameEngine's embedded emotion image model and saves it to ai_worker/models/emotion-unet.

    python -m ai_worker.train_image_model                 # the committed model's settings
    python -m ai_worker.train_image_model --steps 200 --out /tmp/unet   # a quick try

The data are the procedural faces of ai_worker.dataset (deterministic), the model a small
class-conditional diffusers UNet2DModel (one class per emotion, on 2x2 pixel patches)
trained with the DDPM v-prediction objective, min-SNR loss weights and an exponential moving average of the weights
(the EMA is what gets saved). Everything is seeded, and torch runs on one CPU thread by
default, which on a busy shared machine is faster than several.

Output folder layout: unet/ (diffusers save_pretrained, safetensors, float16), scheduler/
(DDPMScheduler config; the generator samples it with DDIM), fameengine.json (emotions,
settings, versions, weights hash), training_log.json (loss curve).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import shutil
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .dataset import make_dataset
from .emotions import EMOTIONS
from .image_model import (
    META_FILE,
    MODEL_DIR,
    MODEL_NAME,
    PATCH,
    PREDICTION,
    build_unet,
    fold,
    scheduler_config,
    unet_config,
)

MODEL_VERSION = "1"

DEFAULTS: dict[str, Any] = dict(
    steps=2400,
    batch_size=16,
    lr=1.5e-3,
    warmup=150,
    n_per_emotion=256,
    size=32,
    seed=1234,
    threads=1,
    ema_decay=0.995,
    min_snr_gamma=5.0,
    patch=PATCH,
    prediction=PREDICTION,
)


def _lr_at(step: int, steps: int, lr: float, warmup: int) -> float:
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(
    out_dir: str | Path = MODEL_DIR,
    *,
    steps: int = DEFAULTS["steps"],
    batch_size: int = DEFAULTS["batch_size"],
    lr: float = DEFAULTS["lr"],
    warmup: int = DEFAULTS["warmup"],
    n_per_emotion: int = DEFAULTS["n_per_emotion"],
    size: int = DEFAULTS["size"],
    seed: int = DEFAULTS["seed"],
    threads: int | None = DEFAULTS["threads"],
    ema_decay: float = DEFAULTS["ema_decay"],
    min_snr_gamma: float = DEFAULTS["min_snr_gamma"],
    patch: int = DEFAULTS["patch"],
    prediction: str = DEFAULTS["prediction"],
    progress: bool = True,
) -> dict[str, Any]:
    """Trains the model and writes it to `out_dir` (replacing it whole); returns the metadata."""
    import torch
    from diffusers import DDPMScheduler
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if threads:
        torch.set_num_threads(int(threads))
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    started, cpu_started = time.time(), time.process_time()

    images, labels = make_dataset(n_per_emotion, seed=seed, size=size)
    data = torch.from_numpy(images).permute(0, 3, 1, 2).float().div(127.5).sub(1.0).contiguous()
    targets = torch.from_numpy(labels)
    data_seconds = time.time() - started

    unet = build_unet(size, patch)
    ema = copy.deepcopy(unet).eval().requires_grad_(False)
    sched = DDPMScheduler(**scheduler_config(prediction))
    alphas = sched.alphas_cumprod
    snr = alphas / (1 - alphas)
    opt = torch.optim.AdamW(unet.parameters(), lr=lr, weight_decay=1e-4)
    n = data.shape[0]

    log: list[dict[str, float]] = []
    running = None
    columns = [
        TextColumn("[bold]training emotion-unet"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("train", total=steps, loss=float("nan"))
        for step in range(steps):
            idx = torch.randint(0, n, (batch_size,), generator=gen)
            x0 = data[idx]
            flip = torch.rand(batch_size, generator=gen) < 0.5
            x0 = fold(torch.where(flip[:, None, None, None], x0.flip(-1), x0), patch)
            y = targets[idx]
            noise = torch.randn(x0.shape, generator=gen)
            t = torch.randint(0, sched.config.num_train_timesteps, (batch_size,), generator=gen)
            xt = sched.add_noise(x0, noise, t)
            for group in opt.param_groups:
                group["lr"] = _lr_at(step, steps, lr, warmup)
            pred = unet(xt, t, class_labels=y).sample
            # min-SNR-gamma loss weights: min(snr, gamma) / snr for epsilon, / (snr + 1) for v
            if prediction == "v_prediction":
                target = sched.get_velocity(x0, noise, t)
                weight = torch.clamp(snr[t], max=min_snr_gamma) / (snr[t] + 1)
            else:
                target = noise
                weight = torch.clamp(snr[t], max=min_snr_gamma) / snr[t]
            loss = (weight * (pred - target).pow(2).mean(dim=(1, 2, 3))).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(unet.parameters(), 1.0)
            opt.step()
            decay = min(ema_decay, (1 + step) / (10 + step))
            with torch.no_grad():
                for pe, p in zip(ema.parameters(), unet.parameters(), strict=False):
                    pe.lerp_(p, 1 - decay)
            value = float(loss.detach())
            running = value if running is None else 0.98 * running + 0.02 * value
            if step % 20 == 0 or step == steps - 1:
                log.append({"step": step, "loss": value, "smoothed": running, "seconds": time.time() - started})
            bar.update(task, advance=1, loss=running)

    train_seconds = time.time() - started - data_seconds
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".emotion-unet-", dir=out_dir.parent))
    try:
        # float16 on disk halves the committed file; the generator loads it as float32
        copy.deepcopy(ema).to(torch.float16).save_pretrained(tmp / "unet", safe_serialization=True)
        sched.save_pretrained(tmp / "scheduler")
        sha = hashlib.sha256((tmp / "unet" / "diffusion_pytorch_model.safetensors").read_bytes()).hexdigest()
        meta = {
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "emotions": list(EMOTIONS),
            "size": size,
            "patch": patch,
            "unet": {k: list(v) if isinstance(v, tuple) else v for k, v in unet_config(size, patch).items()},
            "parameters": sum(p.numel() for p in unet.parameters()),
            "training": {
                "steps": steps,
                "batch_size": batch_size,
                "lr": lr,
                "warmup": warmup,
                "n_per_emotion": n_per_emotion,
                "seed": seed,
                "threads": threads,
                "ema_decay": ema_decay,
                "min_snr_gamma": min_snr_gamma,
                "objective": prediction,
                "schedule": "squaredcos_cap_v2, 1000 steps",
                "augment": "horizontal flip",
                "dataset_seconds": round(data_seconds, 1),
                "train_seconds": round(train_seconds, 1),
                "cpu_seconds": round(time.process_time() - cpu_started, 1),
                "final_loss": running,
            },
            "versions": {p: version(p) for p in ("torch", "diffusers", "numpy", "pillow")},
            "weights_sha256": sha,
        }
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        (tmp / "training_log.json").write_text(json.dumps(log) + "\n")
        for path in [tmp, *tmp.rglob("*")]:  # mkdtemp makes 0700; a committed model is world-readable
            path.chmod(0o755 if path.is_dir() else 0o644)
        old = out_dir.with_name(out_dir.name + ".old")
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            out_dir.rename(old)
        tmp.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ai_worker.train_image_model", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=MODEL_DIR, help=f"output folder (default {MODEL_DIR})")
    for key, value in DEFAULTS.items():
        ap.add_argument("--" + key.replace("_", "-"), type=type(value), default=value)
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    kwargs = {k: getattr(args, k) for k in DEFAULTS}
    meta = train(args.out, progress=not args.quiet, **kwargs)
    t = meta["training"]
    print(
        f"saved {args.out}: {meta['parameters']:,} parameters, {t['steps']} steps in {t['train_seconds']:.0f} s "
        f"(+{t['dataset_seconds']:.0f} s data), final loss {t['final_loss']:.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
