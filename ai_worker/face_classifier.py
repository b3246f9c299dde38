"""A small emotion classifier for avatar faces: the worker's self-check that an image shows
the emotion it was asked for.

A ridge-regression (linear least-squares) classifier on standardised simple features (an
8x8 colour thumbnail and a 16x16 contrast-normalised grey thumbnail of the face region),
fitted in closed form on the procedural faces of ai_worker.dataset in a few seconds.
`shape_only=True` drops the colour features, so the
classifier must go by eyes, brows and mouth alone.

    clf = FaceEmotionClassifier.fit_procedural(n_per_emotion=100)
    clf.predict([img1, img2]) -> ["joy", "fear"]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from .dataset import DEFAULT_SIZE, make_dataset
from .emotions import EMOTIONS


def features(images: Sequence[Image.Image] | np.ndarray, shape_only: bool = False) -> np.ndarray:
    """(N, F) float features of RGB images (PIL images or a uint8 (N, H, W, 3) array)."""
    rows = []
    for im in images:
        pil = im if isinstance(im, Image.Image) else Image.fromarray(np.asarray(im, dtype=np.uint8))
        pil = pil.convert("RGB")
        if pil.size != (DEFAULT_SIZE, DEFAULT_SIZE):
            pil = pil.resize((DEFAULT_SIZE, DEFAULT_SIZE), Image.Resampling.BILINEAR)
        parts = []
        if not shape_only:
            parts.append(np.asarray(pil.resize((8, 8), Image.Resampling.BOX), dtype=np.float32).ravel() / 255.0)
        grey = np.asarray(pil.convert("L"), dtype=np.float32) / 255.0
        face = grey[6:30, 4:28]  # where the features are
        face = (face - face.mean()) / (face.std() + 1e-3)  # contrast-normalised: colour-free
        small = np.asarray(Image.fromarray(face.astype(np.float32), mode="F").resize((16, 16), Image.Resampling.BOX))
        parts.append(small.ravel())
        rows.append(np.concatenate(parts))
    return np.stack(rows)


class FaceEmotionClassifier:
    """Linear one-vs-all scores from ridge regression on standardised features; classes are EMOTIONS."""

    def __init__(self, shape_only: bool = False, ridge: float = 30.0) -> None:
        self.shape_only = shape_only
        self.ridge = ridge
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.weights: np.ndarray | None = None

    def fit(self, images, labels) -> FaceEmotionClassifier:
        x = features(images, self.shape_only)
        y = np.asarray(labels)
        self.mean, self.std = x.mean(0), x.std(0) + 1e-3
        z = np.hstack([(x - self.mean) / self.std, np.ones((len(x), 1), np.float32)])
        onehot = np.eye(len(EMOTIONS), dtype=np.float64)[y] * 2 - 1
        gram = z.T.astype(np.float64) @ z + self.ridge * np.eye(z.shape[1])
        self.weights = np.linalg.solve(gram, z.T.astype(np.float64) @ onehot)
        return self

    @classmethod
    def fit_procedural(cls, n_per_emotion: int = 60, seed: int = 99, shape_only: bool = False) -> FaceEmotionClassifier:
        images, labels = make_dataset(n_per_emotion, seed=seed)
        return cls(shape_only).fit(images, labels)

    def scores(self, images) -> np.ndarray:
        """(N, n_emotions) linear scores (higher: more likely that emotion)."""
        if self.weights is None:
            raise RuntimeError("fit the classifier first")
        z = (features(images, self.shape_only) - self.mean) / self.std
        return np.hstack([z, np.ones((len(z), 1), np.float32)]) @ self.weights

    def predict(self, images) -> list[str]:
        return [EMOTIONS[i] for i in self.scores(images).argmax(1)]

    def accuracy(self, images, emotions: Sequence[str]) -> float:
        pred = self.predict(images)
        return float(np.mean([p == e for p, e in zip(pred, emotions, strict=False)]))
