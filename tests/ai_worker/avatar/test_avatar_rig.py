"""The avatar rig: size, identity kept across emotions, emotion shown in the face, determinism,
every emotion and viseme drawable, speed."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest

from ai_worker.avatar.facs import EMOTION_AUS, blend, expression
from ai_worker.avatar.generator import AvatarImageGenerator
from ai_worker.avatar.image_protocol_check import is_image_generator
from ai_worker.avatar.look import look_from_spec
from ai_worker.avatar.rig import AvatarRig
from ai_worker.avatar.samples import CAST
from ai_worker.avatar.state import FaceState
from ai_worker.avatar.visemes import VISEME_NAMES, viseme_for_phoneme
from ai_worker.emotions import EMOTIONS

SIZE = 256


@pytest.fixture(scope="module")
def rig() -> AvatarRig:
    spec, overrides = CAST[2]  # long hair, freckles
    return AvatarRig(look_from_spec(spec, overrides=overrides), supersample=2)


@pytest.fixture(scope="module")
def faces(rig: AvatarRig) -> dict[str, np.ndarray]:
    return {e: np.asarray(rig.render_emotion(e, size=SIZE)) for e in EMOTIONS}


def png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_default_size_is_at_least_512() -> None:
    img = AvatarImageGenerator(CAST[0][0]).generate("joy", seed=1)
    assert img.size == (512, 512) and img.mode == "RGB"


def test_identity_stays_across_emotions(rig: AvatarRig, faces: dict[str, np.ndarray]) -> None:
    x0, y0, x1, y1 = rig.skin_probe(size=SIZE)
    hx, hy = rig.hair_probe(size=SIZE)
    ref = faces["calm"]
    for emotion, img in faces.items():
        assert np.array_equal(img[y0:y1, x0:x1], ref[y0:y1, x0:x1]), f"skin changed in {emotion}"
        assert np.array_equal(img[hy - 2 : hy + 3, hx - 2 : hx + 3], ref[hy - 2 : hy + 3, hx - 2 : hx + 3]), (
            f"hair changed in {emotion}"
        )
        # the backdrop corners and the shoulders' edge never follow the emotion
        for sl in (np.s_[:20, :20], np.s_[:20, -20:], np.s_[-20:, :8]):
            assert np.array_equal(img[sl], ref[sl]), f"background changed in {emotion}"
    skin = ref[y0:y1, x0:x1].reshape(-1, 3)
    assert tuple(np.median(skin, axis=0).astype(int)) == tuple(int(v) for v in bytes.fromhex(rig.look.skin[1:]))


def _lip_pixels(img: np.ndarray, rig: AvatarRig, box: tuple[int, int, int, int]) -> np.ndarray:
    """Mask of the lip pixels in box (left, top, right, bottom): clearly redder than the bare skin
    (folds, outlines and shadows are darker skin, not redder)."""
    r, g = (int(rig.look.skin[i : i + 2], 16) for i in (1, 3))
    x0, y0, x1, y1 = box
    patch = img[y0:y1, x0:x1].astype(int)
    return (patch[..., 0] - patch[..., 1]) - (r - g) > 25


def corner_height(img: np.ndarray, rig: AvatarRig) -> float:
    """Measured from pixels: mean row of the mouth's leftmost lip column minus that of its middle
    column (negative: the corner sits higher than the middle, a smile)."""
    cx, cy = rig.landmarks(size=SIZE)["mouth_centre"]
    box = (int(cx - SIZE * 0.08), int(cy - SIZE * 0.045), int(cx) + 1, int(cy + SIZE * 0.06))
    lips = _lip_pixels(img, rig, box)
    cols = [c for c in range(lips.shape[1]) if lips[:, c].sum() >= 2]
    assert cols, "no lip pixels found"
    rows = np.arange(lips.shape[0])
    corner, middle = cols[0], lips.shape[1] - 1
    return float(rows[lips[:, corner]].mean() - rows[lips[:, middle]].mean())


def test_emotions_move_the_mouth_corners(rig: AvatarRig, faces: dict[str, np.ndarray]) -> None:
    heights = {e: corner_height(faces[e], rig) for e in EMOTIONS}
    assert heights["joy"] < -3.0, heights
    assert heights["sadness"] > 1.0, heights
    assert heights["joy"] < heights["calm"] < heights["sadness"], heights


def test_emotions_differ_in_the_face_not_elsewhere(rig: AvatarRig, faces: dict[str, np.ndarray]) -> None:
    lm = rig.landmarks(size=SIZE)
    bx, by = lm["brow_left_inner"]
    brow = np.s_[int(by) - 14 : int(by) + 10, int(bx) - 12 : int(bx) + 16]
    mx, my = lm["mouth_centre"]
    mouth = np.s_[int(my) - 16 : int(my) + 18, int(mx) - 24 : int(mx) + 24]
    for a in EMOTIONS:
        for b in EMOTIONS:
            if a < b:
                d_face = (
                    np.abs(faces[a][mouth].astype(int) - faces[b][mouth]).mean()
                    + np.abs(faces[a][brow].astype(int) - faces[b][brow]).mean()
                )
                assert d_face > 2.0, f"{a} and {b} look alike ({d_face:.2f})"
    # anger lowers the inner brow, surprise raises it (geometry and pixels agree on direction)
    angry, surprised = (
        rig.landmarks(FaceState.for_emotion("anger"), SIZE),
        rig.landmarks(FaceState.for_emotion("surprise"), SIZE),
    )
    assert angry["brow_left_inner"][1] > by > surprised["brow_left_inner"][1]


def test_two_personas_differ() -> None:
    a = AvatarRig(look_from_spec(CAST[0][0], overrides=CAST[0][1]), supersample=2).render_emotion("calm", size=SIZE)
    b = AvatarRig(look_from_spec(CAST[1][0], overrides=CAST[1][1]), supersample=2).render_emotion("calm", size=SIZE)
    assert np.abs(np.asarray(a, dtype=int) - np.asarray(b)).mean() > 20


def test_same_inputs_same_bytes() -> None:
    g1, g2 = AvatarImageGenerator(CAST[3][0], size=256), AvatarImageGenerator(CAST[3][0], size=256)
    assert png(g1.generate("fear", 7)) == png(g2.generate("fear", 7))
    assert g1.look == g2.look == look_from_spec(CAST[3][0])
    assert png(g1.generate("fear", 7)) != png(g1.generate("fear", 8))  # the seed picks the pose


def test_every_emotion_and_viseme_renders(rig: AvatarRig) -> None:
    assert set(EMOTION_AUS) == set(EMOTIONS)
    shapes = {}
    for v in VISEME_NAMES:
        img = rig.render(FaceState(viseme=v), size=128)
        assert img.size == (128, 128)
        shapes[v] = np.asarray(img)
    assert not np.array_equal(shapes["AI"], shapes["MBP"])
    assert not np.array_equal(shapes["O"], shapes["E"])
    for e in EMOTIONS:
        for k in (0.0, 0.5, 1.0):
            rig.render(FaceState.for_emotion(e, k, yaw=0.5, tilt=-5, blink=0.3), size=96)
    mid = blend(expression("joy"), expression("sadness"), 0.5)
    assert mid["AU12"] == pytest.approx(0.5) and mid["AU15"] == pytest.approx(0.45)
    assert viseme_for_phoneme("AA1") == "AI" and viseme_for_phoneme("m") == "MBP" and viseme_for_phoneme("f") == "FV"
    assert viseme_for_phoneme("uː") == "U" and viseme_for_phoneme("") == "rest"


def test_blink_closes_the_eyes(rig: AvatarRig) -> None:
    lm = rig.landmarks(size=SIZE)
    ex, ey = (int(v) for v in lm["eye_left"])
    eye = np.s_[ey - 6 : ey + 6, ex - 10 : ex + 10]
    open_ = np.asarray(rig.render(FaceState(), SIZE))[eye].astype(int)
    shut = np.asarray(rig.render(FaceState(blink=1.0), SIZE))[eye].astype(int)
    assert np.abs(open_ - shut).mean() > 10


def test_generator_protocol_and_speed() -> None:
    gen = AvatarImageGenerator(CAST[4][0])
    assert is_image_generator(gen)
    assert gen.info.name == "fameengine/avatar-rig"
    gen.generate("calm", 0)
    t = time.perf_counter()
    for i, e in enumerate(EMOTIONS):
        gen.generate(e, i)
    per_image = (time.perf_counter() - t) / len(EMOTIONS)
    assert per_image < 2.0, f"{per_image:.2f} s per 512x512 image"


def test_visemes_match_the_voice_timeline() -> None:
    """The voice's viseme cues drive the rig's mouth directly: both speak the same ten names."""
    from ai_worker.voice.visemes import VISEMES

    assert set(VISEMES) == set(VISEME_NAMES)
