"""Writes docs/img/emotion_grid.png: one row per emotion, the first picture a training face
from ai_worker.dataset, then samples of the embedded image model for several seeds. Also
prints how often the face classifier recognises the requested emotion, and the speed.

    python -m ai_worker.make_emotion_grid [--seeds 8] [--steps 20] [--out docs/img/emotion_grid.png]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .dataset import draw_face
from .emotions import EMOTIONS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GRID_PNG = PROJECT_ROOT / "docs" / "img" / "emotion_grid.png"


def labelled_grid(
    rows: list[list[Image.Image]],
    labels: list[str],
    scale: int = 4,
    pad: int = 4,
    label_width: int = 92,
    header: list[str] | None = None,
) -> Image.Image:
    w, h = rows[0][0].size
    w, h = w * scale, h * scale
    cols = max(len(r) for r in rows)
    top = 18 if header else 0
    out = Image.new("RGB", (label_width + cols * (w + pad) + pad, top + len(rows) * (h + pad) + pad), (255, 255, 255))
    d = ImageDraw.Draw(out)
    font = ImageFont.load_default()
    for c, text in enumerate(header or []):
        d.text((label_width + pad + c * (w + pad) + 4, 3), text, fill=(60, 60, 60), font=font)
    for r, (row, label) in enumerate(zip(rows, labels, strict=False)):
        y = top + pad + r * (h + pad)
        d.text((6, y + h // 2 - 6), label, fill=(20, 20, 20), font=font)
        for c, im in enumerate(row):
            out.paste(im.resize((w, h), Image.Resampling.NEAREST), (label_width + pad + c * (w + pad), y))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ai_worker.make_emotion_grid", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=GRID_PNG)
    args = ap.parse_args(argv)

    from .face_classifier import FaceEmotionClassifier
    from .image_model import EmbeddedImageGenerator

    gen = EmbeddedImageGenerator(args.model, steps=args.steps, threads=args.threads)
    emotions = [e for e in EMOTIONS for _ in range(args.seeds)]
    seeds = [1000 + s for _ in EMOTIONS for s in range(args.seeds)]
    t0, c0 = time.time(), time.process_time()
    images = gen.generate_batch(emotions, seeds)
    wall, cpu = time.time() - t0, time.process_time() - c0
    rows = [[draw_face(e, 0)] + images[i * args.seeds : (i + 1) * args.seeds] for i, e in enumerate(EMOTIONS)]
    header = ["training"] + [f"seed {s}" for s in seeds[: args.seeds]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    labelled_grid(rows, list(EMOTIONS), header=header).save(args.out)
    full = FaceEmotionClassifier.fit_procedural(100).accuracy(images, emotions)
    shape = FaceEmotionClassifier.fit_procedural(100, shape_only=True).accuracy(images, emotions)
    print(
        f"wrote {args.out}: {len(images)} samples, {args.steps} DDIM steps, {60 * len(images) / wall:.0f} images/min "
        f"({cpu / len(images):.3f} CPU s each); classifier recognises the requested emotion in {full:.0%} "
        f"(colour+shape) / {shape:.0%} (shape only); chance is {1 / len(EMOTIONS):.0%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
