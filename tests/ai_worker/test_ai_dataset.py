"""The procedural avatar dataset: deterministic, right shapes, and emotions that differ."""

import numpy as np
import pytest

from ai_worker.dataset import draw_face, grid, make_dataset
from ai_worker.emotions import EMOTIONS, UnknownEmotion, baseline_emotion, check, index


def test_same_seed_same_pixels_other_seed_other_pixels():
    a = np.asarray(draw_face("joy", 5))
    assert a.shape == (32, 32, 3) and a.dtype == np.uint8
    assert np.array_equal(a, np.asarray(draw_face("joy", 5)))
    assert not np.array_equal(a, np.asarray(draw_face("joy", 6)))
    assert not np.array_equal(a, np.asarray(draw_face("sadness", 5)))
    assert draw_face("calm", 1, size=48).size == (48, 48)


def test_dataset_is_deterministic_and_labelled():
    x1, y1 = make_dataset(4, seed=3)
    x2, y2 = make_dataset(4, seed=3)
    x3, _ = make_dataset(4, seed=4)
    assert x1.shape == (4 * len(EMOTIONS), 32, 32, 3)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    assert list(np.bincount(y1)) == [4] * len(EMOTIONS)


def test_emotions_are_distinct_on_held_out_faces(classifier):
    x, y = make_dataset(15, seed=2024)
    assert classifier.accuracy(x, [EMOTIONS[i] for i in y]) > 0.9


def test_emotions_differ_in_shape_not_only_colour():
    """Without colour features, eyes, brows and mouth alone still tell the emotions apart."""
    from ai_worker.face_classifier import FaceEmotionClassifier

    clf = FaceEmotionClassifier.fit_procedural(n_per_emotion=60, seed=11, shape_only=True)
    x, y = make_dataset(15, seed=2025)
    assert clf.accuracy(x, [EMOTIONS[i] for i in y]) > 0.6  # chance: 1/6


def test_jitter_varies_faces_within_an_emotion():
    x, _ = make_dataset(10, seed=1, emotions=("calm",))
    per_pixel_std = x.astype(float).std(axis=0).mean()
    assert per_pixel_std > 10


def test_emotion_names():
    assert check(" JOY ") == "joy" and index("fear") == EMOTIONS.index("fear")
    with pytest.raises(UnknownEmotion, match="unknown emotion"):
        check("boredom")
    assert (
        baseline_emotion({"emotional_baseline": {"model": "emotion_weights", "weights": {"trust": 0.9, "joy": 0.2}}})
        == "calm"
    )
    assert (
        baseline_emotion({"emotional_baseline": {"model": "valence_arousal", "valence": -0.8, "arousal": -0.5}})
        == "sadness"
    )
    assert baseline_emotion(None) == "calm"


def test_grid_layout():
    g = grid([[draw_face(e, s) for s in range(3)] for e in EMOTIONS[:2]], pad=2, scale=2)
    assert g.size == (3 * 66 + 2, 2 * 66 + 2)
