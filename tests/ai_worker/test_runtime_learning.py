"""The emotion engine learning from the fans' reactions (ai_worker/runtime/learning.py)
against the real social service as a process: a post's emotion is the engine's choice, the
reward is reward_from_engagement of the reactions stamped in the post's settling window, and
each post is learned from once, across restarts and a crash between the two state files.
Then the replay of the committed recording: the learned policy beats a random one."""

from __future__ import annotations

import json
import shutil
import time

import httpx
import pytest
from test_runtime_social import OPERATOR, TOKEN, Social, fan_client

from ai_worker.emotion_engine import EmotionEngine, reward_from_engagement
from ai_worker.emotions import EMOTIONS, VAD
from ai_worker.runtime.client import SocialClient
from ai_worker.runtime.learning import LAG_S, Learner
from ai_worker.runtime.service import PersonaRuntime
from ai_worker.runtime.writer import TemplateWriter
from fame.config import WorkerSettings

SETTLE = 2.0
CID = "Qm" + "T" * 44


@pytest.fixture(scope="module")
def social(tmp_path_factory):
    s = Social(tmp_path_factory.mktemp("social"))
    yield s
    s.stop()


def persona(social: Social, name: str) -> int:
    r = httpx.post(f"{social.url}/api/operator/personas", json={"name": name}, headers=OPERATOR, timeout=10)
    assert r.status_code == 200, r.text
    return int(r.json()["id"])


def learner(folder, client) -> Learner:
    return Learner(client, EmotionEngine(folder / "engine", fsync=False), folder, SETTLE, fsync=False)


def test_each_post_learned_once_from_its_window(social, tmp_path):
    pid = persona(social, "Ada Learn")
    client = SocialClient(social.url, TOKEN)
    lr = learner(tmp_path, client)
    emotion = lr.choose(pid, "slot-1", VAD["calm"], "calm")
    assert emotion in EMOTIONS
    assert learner(tmp_path, client).choose(pid, "slot-1", VAD["joy"], "calm") == emotion  # kept across a restart
    post = client.create_post(pid, "A quiet morning at the studio", CID, "slot-1", "AI-generated")
    lr.remember("slot-1", post)
    fans = [fan_client(social, 100 + i) for i in range(3)]
    for c in fans:
        assert c.get(f"/api/posts/{post['id']}").status_code == 200  # a view each
    assert fans[0].post(f"/api/posts/{post['id']}/like").status_code == 200
    assert fans[1].post(f"/api/posts/{post['id']}/like").status_code == 200
    assert fans[2].post(f"/api/posts/{post['id']}/share").status_code == 200
    assert fans[2].post(f"/api/posts/{post['id']}/comments", json={"body": "Love this, wonderful!"}).status_code == 200
    assert lr.learn_due() == []  # still settling
    assert lr.engine.state(pid).rewards == []
    # after the window: a like that comes too late does not count
    time.sleep(max(0.0, post["created_at"] + SETTLE + 1.05 - time.time()))
    assert fans[0].post(f"/api/posts/{post['id']}/share").status_code == 200
    before = (tmp_path / "learning.json").read_bytes()
    time.sleep(max(0.0, post["created_at"] + SETTLE + LAG_S + 0.1 - time.time()))
    (done,) = lr.learn_due()
    sentiment = [
        r["value"]
        for r in client._call("GET", "/api/runtime/reactions", params={"since": 0})["reactions"]
        if r["post_id"] == post["id"] and r["kind"] == "comment"
    ]
    assert (done.post_id, done.emotion, done.views) == (post["id"], emotion, 3)
    assert (done.counts.net_likes, done.counts.shares, done.counts.comments) == (2, 1, 1)
    assert done.reward == pytest.approx(reward_from_engagement(3, 2, 1, 1, sentiment[0])) and done.reward > 0
    assert lr.engine.state(pid).rewards == [done.reward]
    assert lr.learn_due() == []

    # a restart learns nothing again
    again = learner(tmp_path, client)
    assert again.posts == {} and again.learn_due() == []
    assert again.engine.state(pid).rewards == [done.reward]
    # a crash after the engine's write but before the learner's: the engine knows the post's key
    (tmp_path / "learning.json").write_bytes(before)
    crashed = learner(tmp_path, client)
    assert post["id"] in crashed.posts
    assert len(crashed.learn_due()) == 1 and crashed.posts == {}
    state = json.loads((tmp_path / "engine" / f"{pid}.json").read_text())
    assert state["rewards"] == [done.reward] and state["observed"] == [f"post:{post['id']}"]
    for c in fans:
        c.close()
    client.close()


def test_runtime_posts_in_the_engines_emotion_and_learns(social, tmp_path, backend, worker_account):
    pid = persona(social, "Bo Loop")
    client = SocialClient(social.url, TOKEN)
    lr = learner(tmp_path, client)
    rt = PersonaRuntime(
        client,
        TemplateWriter(),
        backend,
        worker_account,
        WorkerSettings(runtime_poll_s=0.05),
        tmp_path,
        post_interval_s=3600,
        reply_interval_s=0.0,
        learner=lr,
    )
    rt.refresh_personas(force=True)
    # the service is shared with the module's other tests: only this persona's post matters here
    assert rt.post_due() >= 1
    ((post_id, p),) = [(k, v) for k, v in lr.posts.items() if v["persona"] == pid]
    lr.posts = {post_id: p}
    assert p["persona"] == pid and p["decision"]["a"] == EMOTIONS.index(p["emotion"])
    fan = fan_client(social, 200)
    assert fan.get(f"/api/posts/{post_id}").status_code == 200
    assert fan.post(f"/api/posts/{post_id}/like").status_code == 200
    fan.close()
    manifest_cid = httpx.get(f"{social.url}/api/posts/{post_id}", timeout=10).json()["manifest_cid"]
    assert json.loads(backend.read(manifest_cid))["emotion"] == p["emotion"]
    time.sleep(max(0.0, p["created_at"] + SETTLE + LAG_S + 0.1 - time.time()))
    deadline = time.time() + 30  # the service answers for a moment once it is final
    while rt.stats.learned == 0 and time.time() < deadline:
        rt.tick()
        time.sleep(0.2)
    assert rt.stats.learned == 1 and lr.posts == {}
    assert lr.engine.state(pid).rewards == [pytest.approx(reward_from_engagement(1, 1, 0, 0))]
    client.close()


def test_learned_policy_beats_random_on_the_recording(tmp_path):
    from ai_worker import make_learning_curve as mlc

    assert mlc.RECORDING.stat().st_size < 1_000_000
    data = json.loads(mlc.RECORDING.read_text())
    assert len(data["posts"]) >= 60 and data["reactions"]
    curves = mlc.replay(data, steps=80, seeds=8)
    assert curves["learned"].sum() > 1.05 * curves["random"].sum()
    assert curves["learned"][-20:].mean() > 1.2 * curves["random"][-20:].mean()
    out = tmp_path / "curve.png"
    mlc.plot(curves, out)
    assert out.stat().st_size > 10_000
    shutil.rmtree(tmp_path, ignore_errors=True)
