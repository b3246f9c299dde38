"""Supersampled Pillow drawing: shapes are filled on a canvas several times larger than the
output and box-filtered down, which gives smooth anti-aliased edges with plain polygon fills;
soft light and shadow come from blurred masks computed at a quarter of that resolution (the
blur hides the coarser grid, and it keeps a frame fast on one CPU core)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .colour import RGB

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Mask:
    """Coverage 0..255 over a box of the canvas (im is box-sized): shapes, clips and soft masks."""

    im: Image.Image
    box: Box

    def scaled(self, alpha: float) -> Mask:
        if alpha >= 1.0:
            return self
        a = max(0.0, alpha)
        return Mask(self.im.point(lambda v: int(v * a + 0.5)), self.box)

    def clip(self, other: Mask | None) -> Mask | None:
        """This mask where `other` covers (None: no clip); None when they do not overlap."""
        if other is None:
            return self
        x0, y0 = max(self.box[0], other.box[0]), max(self.box[1], other.box[1])
        x1, y1 = min(self.box[2], other.box[2]), min(self.box[3], other.box[3])
        if x1 <= x0 or y1 <= y0:
            return None
        a = self.im.crop((x0 - self.box[0], y0 - self.box[1], x1 - self.box[0], y1 - self.box[1]))
        b = other.im.crop((x0 - other.box[0], y0 - other.box[1], x1 - other.box[0], y1 - other.box[1]))
        return Mask(ImageChops.multiply(a, b), (x0, y0, x1, y1))

    def minus(self, other: Mask) -> Mask:
        """This mask with `other` cut out."""
        x0, y0 = max(self.box[0], other.box[0]), max(self.box[1], other.box[1])
        x1, y1 = min(self.box[2], other.box[2]), min(self.box[3], other.box[3])
        if x1 <= x0 or y1 <= y0:
            return self
        im = self.im.copy()
        region = (x0 - self.box[0], y0 - self.box[1], x1 - self.box[0], y1 - self.box[1])
        b = other.im.crop((x0 - other.box[0], y0 - other.box[1], x1 - other.box[0], y1 - other.box[1]))
        im.paste(ImageChops.multiply(im.crop(region), ImageChops.invert(b)), region[:2])
        return Mask(im, self.box)


class Painter:
    """An RGB canvas of px x px pixels with mask-based fills."""

    def __init__(self, px: int, background: Image.Image | None = None) -> None:
        self.px = px
        self.img = background.copy() if background is not None else Image.new("RGB", (px, px), (128, 128, 128))

    # ---------------------------------------------------------------- masks
    def _box(self, pts: np.ndarray, pad: int = 2) -> Box:
        x0, y0 = np.floor(pts.min(axis=0)).astype(int) - pad
        x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + pad
        return max(0, int(x0)), max(0, int(y0)), min(self.px, int(x1)), min(self.px, int(y1))

    def mask(self, polys: Sequence[np.ndarray] | np.ndarray, holes: Sequence[np.ndarray] = ()) -> Mask | None:
        """Coverage of the polygons (pixel coordinates), minus the holes; None if off-canvas."""
        if isinstance(polys, np.ndarray):
            polys = [polys]
        allpts = np.vstack(list(polys))
        box = self._box(allpts)
        if box[2] <= box[0] or box[3] <= box[1]:
            return None
        im = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
        draw = ImageDraw.Draw(im)
        off = np.array(box[:2], dtype=np.float64)
        for poly in polys:
            draw.polygon([tuple(p) for p in (poly - off)], fill=255)
        for hole in holes:
            draw.polygon([tuple(p) for p in (hole - off)], fill=0)
        return Mask(im, box)

    def line_mask(self, line: np.ndarray, width: float) -> Mask | None:
        """Coverage of a round-jointed polyline of constant width."""
        pad = int(width) + 2
        box = self._box(line, pad)
        if box[2] <= box[0] or box[3] <= box[1]:
            return None
        im = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
        off = np.array(box[:2], dtype=np.float64)
        pts = [tuple(p) for p in (line - off)]
        w = max(1, int(round(width)))
        ImageDraw.Draw(im).line(pts, fill=255, width=w, joint="curve")
        r = w / 2
        for p in (pts[0], pts[-1]):
            ImageDraw.Draw(im).ellipse((p[0] - r, p[1] - r, p[0] + r, p[1] + r), fill=255)
        return Mask(im, box)

    def soft(self, mask: Mask | None, radius: float) -> Mask | None:
        """The mask blurred by `radius` pixels (computed at a quarter of the resolution)."""
        if mask is None or radius <= 0:
            return mask
        pad = int(radius * 2.5) + 4
        x0, y0 = max(0, mask.box[0] - pad), max(0, mask.box[1] - pad)
        x1, y1 = min(self.px, mask.box[2] + pad), min(self.px, mask.box[3] + pad)
        big = Image.new("L", (x1 - x0, y1 - y0), 0)
        big.paste(mask.im, (mask.box[0] - x0, mask.box[1] - y0))
        f = 4
        small = big.resize((max(1, big.width // f), max(1, big.height // f)), Image.Resampling.BOX)
        small = small.filter(ImageFilter.GaussianBlur(radius / f))
        return Mask(small.resize(big.size, Image.Resampling.BILINEAR), (x0, y0, x1, y1))

    # ---------------------------------------------------------------- paint
    def paint(self, mask: Mask | None, source: RGB | Image.Image, alpha: float = 1.0) -> None:
        """Fill the mask with a colour or a box-sized image, at opacity alpha."""
        if mask is None:
            return
        m = mask.scaled(alpha)
        if isinstance(source, Image.Image):
            self.img.paste(source, m.box[:2], m.im)
        else:
            self.img.paste(tuple(source), m.box, m.im)

    def fill(self, poly: np.ndarray, colour: RGB, alpha: float = 1.0, clip: Mask | None = None) -> Mask | None:
        m = self.mask(poly)
        if m is not None and clip is not None:
            m = m.clip(clip)
        self.paint(m, colour, alpha)
        return m

    def stroke(self, line: np.ndarray, width: float, colour: RGB, alpha: float = 1.0, clip: Mask | None = None) -> None:
        m = self.line_mask(line, width)
        if m is not None and clip is not None:
            m = m.clip(clip)
        self.paint(m, colour, alpha)

    def gradient(self, box: Box, c0: RGB, c1: RGB, p0: tuple[float, float], p1: tuple[float, float]) -> Image.Image:
        """A box-sized linear gradient image from c0 at canvas point p0 to c1 at p1."""
        w, h = box[2] - box[0], box[3] - box[1]
        f = 4
        sw, sh = max(2, w // f), max(2, h // f)
        xs = box[0] + (np.arange(sw) + 0.5) * (w / sw)
        ys = box[1] + (np.arange(sh) + 0.5) * (h / sh)
        gx, gy = np.meshgrid(xs, ys)
        d = np.array(p1, dtype=np.float64) - np.array(p0, dtype=np.float64)
        t = ((gx - p0[0]) * d[0] + (gy - p0[1]) * d[1]) / max(1e-9, float(d @ d))
        t = np.clip(t, 0, 1)[..., None]
        arr = np.asarray(c0, dtype=np.float64) * (1 - t) + np.asarray(c1, dtype=np.float64) * t
        small = Image.fromarray(np.round(arr).astype(np.uint8), "RGB")
        return small.resize((w, h), Image.Resampling.BILINEAR)

    def fill_gradient(self, poly: np.ndarray, c0: RGB, c1: RGB, p0, p1, clip: Mask | None = None) -> Mask | None:
        m = self.mask(poly)
        if m is not None and clip is not None:
            m = m.clip(clip)
        if m is not None:
            self.paint(m, self.gradient(m.box, c0, c1, p0, p1))
        return m

    def downscale(self, size: int) -> Image.Image:
        factor = self.px // size
        if factor > 1 and factor * size == self.px:
            return self.img.reduce(factor)
        return self.img.resize((size, size), Image.Resampling.LANCZOS)
