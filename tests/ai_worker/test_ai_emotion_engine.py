"""The emotion engine: Q-learning beats random posting on the simulated audience, its state
survives restarts byte for byte, and it refuses calls out of order."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ai_worker.audience import SimulatedAudience, population_audience
from ai_worker.emotion_engine import EmotionEngine, EngineError, MoodModel, engagement_state, reward_from_engagement
from ai_worker.emotions import EMOTIONS, ENGAGEMENT_STATES, N_EMOTIONS, N_STATES, VAD
from ai_worker.simulate import compare, margins, run_policy
from ai_worker.warm_start import build_corpus, fit_prior, label_corpus, load_prior

SEEDS = range(4)
EPISODES, POSTS, LAST = 40, 20, 10


@pytest.fixture(scope="module")
def curves():
    return compare(SEEDS, EPISODES, POSTS, prior=load_prior())


def test_learned_policy_beats_random_by_a_margin(curves):
    m = margins(curves, LAST)
    # a property of the algorithm on fixed seeds: at least 40% more engagement than random
    assert m["engine"] > 1.4 * m["random"], m
    assert m["engine+prior"] > 1.4 * m["random"], m
    # and close to the myopic oracle that knows the audience's tastes
    assert m["engine"] > 0.9 * m["oracle"], m
    for seed_row_engine, seed_row_random in zip(curves["engine"], curves["random"], strict=False):
        assert seed_row_engine[-LAST:].mean() > 1.2 * seed_row_random[-LAST:].mean()


def test_engine_learns_rather_than_starts_good(curves):
    engine = curves["engine"]
    assert engine[:, -LAST:].mean() > engine[:, :3].mean() + 0.1


def test_warm_start_helps_early(curves):
    assert curves["engine+prior"][:, :5].mean() > curves["engine"][:, :5].mean()


def _drive(engine: EmotionEngine, pid: str, steps: int, audience_seed: int = 5, start: int = 0) -> list[str]:
    audience = SimulatedAudience(seed=audience_seed)
    out = []
    for k in range(start, start + steps):
        rng = np.random.default_rng(k)
        s = engine.engagement(pid)
        a = engine.next_emotion(pid, s)
        engine.observe(pid, audience.engagement(s, engine.emotional_state(pid), a, rng))
        out.append(a)
    return out


def test_state_persists_across_restarts(tmp_path):
    prior = load_prior()
    reference = EmotionEngine(None, prior=prior, seed=3)
    expected = _drive(reference, "7", 60)

    first = EmotionEngine(tmp_path, prior=prior, seed=3, fsync=False)
    got = _drive(first, "7", 25)
    saved = json.loads((tmp_path / "7.json").read_text())
    assert saved["steps"] == 25 and saved["persona"] == "7" and len(saved["q"]) == N_STATES
    second = EmotionEngine(tmp_path, prior=prior, seed=3, fsync=False)  # a new process, same folder
    got += _drive(second, "7", 35, start=25)
    assert got == expected
    np.testing.assert_allclose(second.state("7").q, reference.state("7").q, atol=1e-7)
    assert second.emotional_state("7") == reference.emotional_state("7")
    assert [p.name for p in tmp_path.iterdir()] == ["7.json"]  # no temporary files left behind


def test_pending_decision_survives_a_restart(tmp_path):
    a = EmotionEngine(tmp_path, fsync=False)
    a.next_emotion("p1", "medium")
    b = EmotionEngine(tmp_path, fsync=False)
    b.observe("p1", 0.8)  # the reward for the hint given before the restart
    c = EmotionEngine(tmp_path, fsync=False)
    c.next_emotion("p1", "high")  # applies the Q-update with s' = high
    assert c.state("p1").updates == 1


def test_calls_out_of_order_and_bad_input(tmp_path):
    engine = EmotionEngine(tmp_path, fsync=False)
    with pytest.raises(EngineError, match="call next_emotion first"):
        engine.observe("9", 1.0)
    with pytest.raises(EngineError, match="engagement state"):
        engine.next_emotion("9", "sky-high")
    engine.next_emotion("9", "low")
    with pytest.raises(EngineError, match="finite"):
        engine.observe("9", float("nan"))
    with pytest.raises(EngineError, match="persona id"):
        engine.next_emotion("../etc/passwd", "low")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(EngineError, match="cannot read"):
        engine.next_emotion("bad", "low")
    with pytest.raises(EngineError, match="shape"):
        EmotionEngine(prior=np.zeros((2, 2)))


def test_mood_follows_reward():
    model = MoodModel()
    start = VAD["calm"]
    up = model.step(start, "calm", "joy", reward=1.0, reward_mean=0.4)
    down = model.step(start, "calm", "joy", reward=0.0, reward_mean=0.4)
    assert up[0] > start[0] > down[0]
    for _ in range(2):  # a run of flops sours the mood
        down = model.step(down, "calm", "joy", reward=0.0, reward_mean=0.4)
    assert model.emotion(up) in ("joy", "calm", "surprise")
    assert model.emotion(down) in ("sadness", "fear", "anger")
    engine = EmotionEngine(seed=1)
    engine.set_baseline("m", "joy")
    seen = set()
    for k in range(30):
        engine.next_emotion("m", "medium")
        seen.add(engine.observe("m", 1.0 if k % 2 else 0.0))
    assert len(seen) >= 2  # the persona's state moves


def test_greedy_choice_and_policy():
    engine = EmotionEngine(seed=0)
    st = engine.state("g")
    st.q[:] = 0
    st.q[:, EMOTIONS.index("surprise"), :] = 1
    assert engine.next_emotion("g", "low", explore=False) == "surprise"
    assert engine.state("g").steps == 0  # not recorded
    pol = engine.policy("g")
    assert set(pol) == set(ENGAGEMENT_STATES) and all(v == "surprise" for row in pol.values() for v in row.values())


def test_engagement_state_and_reward():
    assert engagement_state([]) == "medium"
    assert engagement_state([0.5] * 10 + [0.9, 0.9]) == "high"
    assert engagement_state([0.5] * 10 + [0.2, 0.2]) == "low"
    assert engagement_state([0.5] * 12) == "medium"
    assert reward_from_engagement(0, 5, 5, 5) == 0.0
    assert reward_from_engagement(1000, 60, 10, 15) == pytest.approx(12.0)
    assert reward_from_engagement(1000, 60, 10, 15, 10_000) > reward_from_engagement(1000, 60, 10, 15, -10_000)


def test_random_policy_is_what_the_audience_gives_on_average():
    r = run_policy("random", seed=0, episodes=30, posts=20)
    expected = SimulatedAudience(seed=0).table.mean()
    assert abs(r.mean() - expected) < 0.08


def test_warm_start_prior_from_a_labelled_corpus():
    corpus = build_corpus(creators=8, posts=30, seed=1, with_truth=True)
    truth = [p.pop("truth") for p in corpus]
    assert set(corpus[0]) == {"creator", "index", "caption", "views", "likes", "shares", "comments"}
    rows = label_corpus(corpus)
    assert rows.shape == (8 * 30, 4)
    accuracy = np.mean([EMOTIONS[int(r[1])] == t["emotion"] for r, t in zip(rows, truth, strict=False)])
    assert accuracy > 0.6  # lexicon labels, promo posts included
    # rewards read back from the counts track the simulated engagement
    assert np.corrcoef(rows[:, 3], [t["reward"] for t in truth])[0, 1] > 0.7
    table = fit_prior(rows)
    assert table.shape == (N_STATES, N_EMOTIONS, N_EMOTIONS)
    committed = load_prior()
    pop = population_audience(100)
    # the committed prior (48 creators) knows the market: joy / surprise above fear
    assert np.corrcoef(committed.ravel(), pop.ravel())[0, 1] > 0.5
    assert committed[:, EMOTIONS.index("joy")].mean() > committed[:, EMOTIONS.index("fear")].mean()


def test_warm_start_and_simulate_scripts(tmp_path, capsys):
    from ai_worker import simulate, warm_start

    out = tmp_path / "prior.json"
    assert (
        warm_start.main(
            ["--creators", "3", "--posts", "10", "--out", str(out), "--corpus-out", str(tmp_path / "corpus.jsonl")]
        )
        == 0
    )
    assert load_prior(out).shape == (N_STATES, N_EMOTIONS, N_EMOTIONS)
    assert len((tmp_path / "corpus.jsonl").read_text().splitlines()) == 30
    out.write_text(json.dumps({**json.loads(out.read_text()), "emotions": ["joy"]}))
    with pytest.raises(EngineError, match="another emotion list"):
        load_prior(out)
    with pytest.raises(EngineError, match="cannot read"):
        load_prior(tmp_path / "missing.json")
    png = tmp_path / "curve.png"
    assert simulate.main(["--seeds", "2", "--episodes", "4", "--posts", "5", "--last", "2", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "vs random" in capsys.readouterr().out


def test_default_state_dir_is_under_the_fame_state_dir():
    from ai_worker.emotion_engine import default_state_dir
    from fame.config import settings

    assert default_state_dir() == settings().state_dir / "ai_worker" / "emotion-engine"
