"""The native adapter: the personas' measured engagement from FameEngine's social service.

Without a server: the mapping of the service's answer to the report's fields (follows and
ratings off chain, federated counts inside the totals and labelled in the metrics), clamping,
malformed and unknown personas, retries, timeouts and outages. The settings and the default
path: `native` is the default adapter and an operator started on the default settings never
imports the simulated platform. Against a real social service process (`python -m social`):
interactions seeded through its HTTP API are what observe() returns, two operators agree,
and an outage is PlatformUnavailable.
"""

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest

from fame.config import PROJECT_ROOT, OracleSettings
from fame.procs import free_port
from oracle.adapters import ADAPTERS, make_adapter
from oracle.adapters.base import PlatformUnavailable
from oracle.adapters.native import SETTLE_S, NativeAdapter, PersonaSignals, parse_answer
from oracle.report import MAX_COMMENTS, MAX_LIKES, MAX_SHARES, MAX_VIEWS, Engagement

AT = 1_795_000_000  # a round's start
AS_OF = AT - SETTLE_S  # the moment the adapter observes for it: final at the service already


def entry(**overrides):
    base = {
        "views": 120,
        "likes": 30,
        "shares": 4,
        "comments": 7,
        "follows": 9,
        "ratings": 3,
        "rating_mean_milli": 4_333,
        "sentiment_bps": 2_500,
        "federated": {"views": 20, "likes": 5, "shares": 1, "comments": 2, "follows": 4, "ratings": 0},
    }
    base.update(overrides)
    return base


def answer(personas, at="asked"):
    """The service's answer; `at` "asked": the moment the request asks for."""
    return {"at": at, "personas": {str(k): v for k, v in personas.items()}}


class FakeService:
    """An httpx transport that answers GET /api/engagement from a script of responses."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        if isinstance(item, httpx.Response):
            return item
        if isinstance(item, dict) and item.get("at") == "asked":
            item = {**item, "at": int(request.url.params["at"])}
        # json.dumps writes NaN as Python's json module reads it (what a sloppy encoder may send)
        return httpx.Response(200, content=json.dumps(item).encode(), headers={"content-type": "application/json"})

    def adapter(self, **kwargs) -> NativeAdapter:
        kwargs.setdefault("sleep", lambda s: None)
        return NativeAdapter("http://social.test", client=httpx.Client(transport=httpx.MockTransport(self)), **kwargs)


def metric(registry: CollectorRegistry, name: str, **labels) -> float | None:
    value = registry.get_sample_value(name, labels)
    return value


# ------------------------------------------------------------------ mapping (no server)


def test_counts_map_to_the_report_fields_and_the_extra_signals_stay_off_chain():
    registry = CollectorRegistry()
    quiet = entry(views=5, likes=1, shares=0, comments=0, follows=1, ratings=0, sentiment_bps=None)
    quiet["federated"] = {"views": 2}
    service = FakeService(answer({1: entry(), 2: quiet}))
    adapter = service.adapter(registry=registry)
    seen = adapter.observe([1, 2], AT)
    # views <- impressions, likes, shares, comments (federated ones inside the totals), sentiment
    # <- mean comment sentiment; follows and ratings are nowhere in the report
    assert seen[1] == Engagement(1, 120, 30, 4, 7, 2_500, AS_OF)
    # no comment in the sentiment window: neutral
    assert seen[2] == Engagement(2, 5, 1, 0, 0, 0, AS_OF)
    req = service.requests[0]
    assert req.url.path == "/api/engagement" and req.url.params["at"] == str(AS_OF)
    # the federated part is labelled, sums over the observed personas
    assert metric(registry, "fame_oracle_native_engagement", signal="views", origin="federated") == 22
    assert metric(registry, "fame_oracle_native_engagement", signal="views", origin="local") == 125 - 22
    assert metric(registry, "fame_oracle_native_engagement", signal="comments", origin="federated") == 2
    assert metric(registry, "fame_oracle_native_engagement", signal="follows", origin="federated") == 4
    assert metric(registry, "fame_oracle_native_engagement", signal="follows", origin="local") == 6
    assert metric(registry, "fame_oracle_native_engagement", signal="ratings", origin="local") == 3
    assert metric(registry, "fame_oracle_native_personas", state="observed") == 2
    assert metric(registry, "fame_oracle_native_last_at") == AS_OF
    assert metric(registry, "fame_oracle_native_requests_total", outcome="ok") == 1


def test_the_observed_moment_follows_from_the_round_not_the_clock():
    """Every operator of a round asks the service for the same moment: the round's start less
    the service's settling time (its totals for that moment are final), whatever its clock."""
    service = FakeService(answer({3: entry()}))
    adapters = [service.adapter(operator_index=i) for i in range(3)]
    seen = [a.observe([3], AT - 60)[3] for a in adapters]
    assert {e.observed_at for e in seen} == {AT - 60 - SETTLE_S} and len(set(seen)) == 1
    assert {r.url.params["at"] for r in service.requests} == {str(AT - 60 - SETTLE_S)}
    assert service.adapter(settle=0).as_of(AT) == AT and service.adapter().as_of(1) == 0


def test_counts_are_clamped_to_their_fields_and_sentiment_to_its_range():
    registry = CollectorRegistry()
    huge = entry(views=MAX_VIEWS + 10, likes=MAX_LIKES * 2, shares=MAX_SHARES + 1, comments=-3, sentiment_bps=14_000)
    adapter = FakeService(answer({1: huge, 2: entry(sentiment_bps=-99_999)})).adapter(registry=registry)
    seen = adapter.observe([1, 2], AT)
    assert seen[1] == Engagement(1, MAX_VIEWS, MAX_LIKES, MAX_SHARES, 0, 10_000, AS_OF)
    assert seen[2].sentiment_bps == -10_000
    for e in seen.values():
        e.validate()
        assert Engagement.unpack(e.pack()) == e  # packs into a report word
    for field in ("views", "likes", "shares", "comments"):
        assert metric(registry, "fame_oracle_native_clamped_total", field=field) == 1
    assert metric(registry, "fame_oracle_native_clamped_total", field="sentiment_bps") == 2


def test_comment_count_at_the_field_limit_is_kept():
    e = PersonaSignals.parse(1, entry(comments=MAX_COMMENTS)).engagement(AT)
    assert e.comments == MAX_COMMENTS


def test_a_persona_unknown_to_the_service_is_left_out():
    registry = CollectorRegistry()
    adapter = FakeService(answer({1: entry(), 9: entry()})).adapter(registry=registry)
    seen = adapter.observe([1, 2, 3], AT)
    assert set(seen) == {1}  # 2 and 3 unknown, 9 not asked for
    assert metric(registry, "fame_oracle_native_personas", state="unknown") == 2
    assert adapter.observe([], AT) == {}


def test_a_malformed_entry_leaves_only_that_persona_out():
    registry = CollectorRegistry()
    body = answer(
        {
            1: entry(),
            2: {"views": 3, "likes": 1, "shares": 0},  # no comments
            3: entry(likes="many"),
            4: entry(views=True),
            5: entry(shares=1.5),
            6: "not an object",
            7: entry(federated=[1, 2]),
            8: entry(sentiment_bps=float("nan")),
        }
    )
    body["personas"]["x"] = entry()
    body["personas"]["0"] = entry()
    adapter = FakeService(body).adapter(registry=registry)
    assert set(adapter.observe(range(1, 9), AT)) == {1}
    assert metric(registry, "fame_oracle_native_personas", state="malformed") == 7
    parsed = parse_answer({**body, "at": AS_OF}, AS_OF)
    assert set(parsed.malformed) == {"2", "3", "4", "5", "6", "7", "8", "x", "0"}


def test_optional_signals_may_be_missing():
    minimal = {"views": 10, "likes": 2, "shares": 1, "comments": 1}
    s = PersonaSignals.parse(1, minimal)
    assert s.counts["follows"] == 0 and s.federated == {n: 0 for n in s.federated}
    assert s.engagement(AT) == Engagement(1, 10, 2, 1, 1, 0, AT)
    # integral floats are counts (a JSON encoder may write 3.0)
    assert PersonaSignals.parse(1, {**minimal, "views": 3.0}).counts["views"] == 3


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"at": AT},
        {"at": AT, "personas": []},
        {"at": AS_OF + 1, "personas": {}},  # an answer for another moment: operators would disagree
    ],
)
def test_an_answer_of_the_wrong_shape_is_an_outage(body):
    with pytest.raises(PlatformUnavailable):
        FakeService(body).adapter(retries=0).observe([1], AT)


def test_not_json_is_an_outage():
    adapter = FakeService(httpx.Response(200, text="<html>proxy error</html>")).adapter()
    with pytest.raises(PlatformUnavailable, match="not JSON"):
        adapter.observe([1], AT)


# ------------------------------------------------------------------ retries and outages (no server)


def test_transient_failures_are_retried():
    registry = CollectorRegistry()
    waits = []
    service = FakeService(
        httpx.ConnectError("refused"),
        httpx.Response(503, json={"detail": "database down"}),
        answer({1: entry()}),
    )
    adapter = service.adapter(registry=registry, retries=2, sleep=waits.append)
    assert adapter.observe([1], AT)[1].views == 120
    assert len(service.requests) == 3
    assert waits == [0.1, 0.2]
    assert metric(registry, "fame_oracle_native_requests_total", outcome="retried") == 2
    assert metric(registry, "fame_oracle_native_requests_total", outcome="ok") == 1


def test_retry_after_is_honoured_but_capped():
    waits = []
    service = FakeService(
        httpx.Response(429, headers={"retry-after": "1"}, json={"detail": "slow down"}),
        httpx.Response(429, headers={"retry-after": "3600"}, json={"detail": "slow down"}),
        answer({1: entry()}),
    )
    service.adapter(retries=2, sleep=waits.append).observe([1], AT)
    assert waits == [1.0, 2.0]


def test_an_outage_that_outlasts_the_retries_is_platform_unavailable():
    registry = CollectorRegistry()
    service = FakeService(httpx.ReadTimeout("slow"))
    adapter = service.adapter(registry=registry, retries=2)
    with pytest.raises(PlatformUnavailable, match="ReadTimeout"):
        adapter.observe([1], AT)
    assert len(service.requests) == 3
    assert metric(registry, "fame_oracle_native_requests_total", outcome="unavailable") == 1


def test_a_client_error_is_not_retried():
    service = FakeService(httpx.Response(422, json={"detail": "at: must be a unix time"}))
    with pytest.raises(PlatformUnavailable, match="HTTP 422.*must be a unix time"):
        service.adapter(retries=3).observe([1], AT)
    assert len(service.requests) == 1


def test_retries_stop_at_the_budget():
    now = [0.0]
    service = FakeService(httpx.Response(503))

    def sleep(s):
        now[0] += s

    adapter = service.adapter(retries=10, budget=0.5, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(PlatformUnavailable):
        adapter.observe([1], AT)
    assert len(service.requests) == 3  # waits 0.1 + 0.2; a 0.4 s wait would pass the 0.5 s budget


def test_a_service_that_is_not_there_is_platform_unavailable():
    adapter = NativeAdapter(f"http://127.0.0.1:{free_port()}", timeout=0.5, retries=1, sleep=lambda s: None)
    try:
        with pytest.raises(PlatformUnavailable, match="cannot be read"):
            adapter.observe([1], AT)
    finally:
        adapter.close()


def test_a_service_that_hangs_times_out():
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # accepts connections, never answers
    try:
        adapter = NativeAdapter(f"http://127.0.0.1:{server.getsockname()[1]}", timeout=0.2, retries=1)
        started = time.monotonic()
        with pytest.raises(PlatformUnavailable, match="Timeout"):
            adapter.observe([1], AT)
        assert time.monotonic() - started < 2
        adapter.close()
    finally:
        server.close()


# ------------------------------------------------------------------ settings and the default path


def test_native_is_the_default_adapter_and_make_adapter_builds_it(monkeypatch):
    monkeypatch.delenv("FAME_ORACLE_ADAPTER", raising=False)
    assert ADAPTERS[0] == "native"
    cfg = OracleSettings(social_url="http://social.example:9000/", social_timeout=0.7, social_retries=1)
    assert cfg.adapter == "native"
    registry = CollectorRegistry()
    adapter = make_adapter(cfg.adapter, operator_index=2, settings=cfg, registry=registry)
    assert isinstance(adapter, NativeAdapter) and adapter.name == "native"
    assert adapter.base_url == "http://social.example:9000" and adapter.retries == 1
    assert adapter.budget == max(0.7, cfg.request_timeout)
    assert b"fame_oracle_native_requests" in generate_latest(registry)
    adapter.close()
    plain = make_adapter("native", operator_index=0, social_url="http://127.0.0.1:1")
    assert isinstance(plain, NativeAdapter)
    plain.close()
    with pytest.raises(ValueError, match="known: native, simulator, youtube"):
        make_adapter("myspace", operator_index=0)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env.update(extra)
    return env


def test_social_url_defaults_to_the_social_services_own_address():
    code = "from fame.config import OracleSettings; print(OracleSettings().social_url)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(FAME_HOST="127.0.0.5", FAME_SOCIAL_PORT="8123"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "http://127.0.0.5:8123"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(FAME_ORACLE_SOCIAL_URL="https://social.example"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "https://social.example"


def test_make_up_path_never_imports_the_simulator():
    """What `make up` imports to start the operators, and what an operator builds on the
    default settings, leave oracle.simulator unloaded."""
    code = """
import sys, tempfile
from pathlib import Path
import stack.up, stack.cli, oracle.cli, oracle.launch
from fame.config import oracle_settings
from oracle.keys import dev_signer, dev_transmitter
from oracle.launch import build_node
from oracle.node.app import create_app
cfg = oracle_settings()
state = Path(tempfile.mkdtemp())
service = build_node(0, dev_signer(0), dev_transmitter(0), cfg, rpc_url="http://127.0.0.1:1",
                     deployments_dir=state, state_dir=state)
create_app(service)
print(cfg.adapter, service.adapter.name, "oracle.simulator" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["native", "native", "False"]


def test_a_started_operator_on_the_default_settings_never_imports_the_simulator(tmp_path):
    """`fame oracle run` as make up starts it (python -m oracle.cli run), default settings:
    Python's import log of the whole process has no oracle.simulator."""
    from oracle.keys import write_dev_keystores

    keys = write_dev_keystores(tmp_path / "oracle", 1)[0]
    port = free_port()
    social = f"http://127.0.0.1:{free_port()}"  # nothing there: the operator still starts
    log = tmp_path / "operator.log"
    argv = [sys.executable, "-X", "importtime", "-m", "oracle.cli", "run", "--operator-index", "0"]
    argv += ["--key-file", str(keys.signer), "--transmitter-key-file", str(keys.transmitter)]
    argv += ["--password-file", str(keys.password_file), "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--rpc-url", "http://127.0.0.1:1"]
    env = clean_env(FAME_STATE_DIR=str(tmp_path / "state"), FAME_ORACLE_SOCIAL_URL=social)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert health is not None, log.read_text()[-3000:]
        assert health["adapter"] == "native"
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
        assert "fame_oracle_native_requests" in metrics  # the adapter's metrics are the node's
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    imported = [line.rsplit("|", 1)[-1].strip() for line in log.read_text().splitlines() if "import time:" in line]
    assert "oracle.launch" in imported and "oracle.adapters.native" in imported
    assert "oracle.simulator" not in imported


def test_the_simulator_stays_available_by_name():
    sim = make_adapter("simulator", operator_index=1, seed=7)
    assert sim.name != "native" and sim.observe([1], AT)[1].observed_at <= AT + 1


# ------------------------------------------------------------------ against the real social service

SOCIAL_MAIN = PROJECT_ROOT / "social" / "__main__.py"
needs_social = pytest.mark.skipif(
    not SOCIAL_MAIN.exists(),
    reason="the social service (python -m social) is not in this tree yet: these live tests run once it is",
)
OPERATOR_TOKEN = "test-operator-token"
PERSONAS = {1: "Nova Lumen", 2: "Kai River"}


class Social:
    """A social service process (SQLite, no chain) and clients for its roles."""

    def __init__(self, url: str, proc: subprocess.Popen, log) -> None:
        self.url, self.proc, self.log = url, proc, log

    def operator(self) -> httpx.Client:
        """The persona runtime's and the operators' client (bearer token)."""
        return httpx.Client(base_url=self.url, headers={"authorization": f"Bearer {OPERATOR_TOKEN}"}, timeout=10)

    def fan(self, key_index: int) -> httpx.Client:
        """A fan's client, signed in with Sign-In with Ethereum (an eth_account key)."""
        from eth_account import Account
        from eth_account.messages import encode_defunct

        account = Account.from_key((0xFA0000 + key_index).to_bytes(32, "big"))
        client = httpx.Client(base_url=self.url, timeout=10)
        nonce = client.post("/api/auth/nonce").json()["nonce"]
        message = "\n".join(  # ERC-4361, as a wallet writes it
            [
                f"{self.url.removeprefix('http://')} wants you to sign in with your Ethereum account:",
                account.address,
                "",
                "Sign in to FameEngine",
                "",
                f"URI: {self.url}",
                "Version: 1",
                "Chain ID: 31337",
                f"Nonce: {nonce}",
                f"Issued At: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
            ]
        )
        signature = account.sign_message(encode_defunct(text=message)).signature.hex()
        r = client.post("/api/auth/verify", json={"message": message, "signature": "0x" + signature.removeprefix("0x")})
        assert r.status_code == 200, r.text
        assert client.get("/api/auth/me").json()["address"] == account.address
        return client

    def engagement(self, at: int) -> dict:
        r = httpx.get(f"{self.url}/api/engagement", params={"at": at}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def social(tmp_path_factory):
    folder = tmp_path_factory.mktemp("social")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "social.log"
    env = clean_env(
        FAME_STATE_DIR=str(folder / "state"),
        FAME_SOCIAL_PUBLIC_URL=url,
        FAME_SOCIAL_OPERATOR_TOKEN=OPERATOR_TOKEN,
    )
    argv = [sys.executable, "-m", "social", "--port", str(port), "--no-chain"]
    argv += ["--database-url", f"sqlite:///{folder / 'social.db'}"]
    with open(log, "w") as out:
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the social service did not start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/api/personas", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        service = Social(url, proc, log)
        with service.operator() as op:
            for pid, name in PERSONAS.items():
                r = op.post("/api/operator/personas", json={"id": pid, "name": name})
                assert r.status_code in (200, 201), r.text
        yield service
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


def next_second() -> int:
    """Wait until the clock has moved into a new second; returns the second just finished.
    The service stamps interactions in whole seconds: what happens after this return is later."""
    now = int(time.time())
    while int(time.time()) <= now:
        time.sleep(0.05)
    return now


def settled(moment: int) -> int:
    """The round start whose observation is `moment`, once the service's totals for it are final."""
    while time.time() < moment + SETTLE_S + 0.05:
        time.sleep(0.05)
    return moment + SETTLE_S


@needs_social
def test_seeded_interactions_are_what_the_adapter_observes(social):
    pid = 1
    with social.operator() as op:
        post = op.post(
            "/api/runtime/posts",
            json={
                "persona_id": pid,
                "body": "first light over the city",
                "manifest_cid": "bafkreigh2akiscaildc6mxdisnfy7yfjg6ln5yqsdpuiasvscdgmjncbvy",
                "idempotency_key": "native-adapter-test-1",
            },
        )
        assert post.status_code in (200, 201), post.text
        post_id = post.json()["id"]
    fans = [social.fan(i) for i in range(3)]
    before = next_second()
    for i, fan in enumerate(fans):
        assert fan.get(f"/api/posts/{post_id}").status_code == 200  # a view (impression)
        assert fan.post(f"/api/posts/{post_id}/like").status_code == 200
        if i < 2:
            r = fan.post(f"/api/posts/{post_id}/comments", json={"body": "I love this, so beautiful and happy!"})
            assert r.status_code in (200, 201), r.text
    assert fans[0].post(f"/api/posts/{post_id}/share").status_code == 200
    assert fans[0].post(f"/api/personas/{pid}/follow").status_code in (200, 201)
    assert fans[1].post(f"/api/personas/{pid}/rating", json={"stars": 5}).status_code in (200, 201)
    after = next_second()

    registry = CollectorRegistry()
    adapter = NativeAdapter(social.url, registry=registry)
    try:
        old = adapter.observe([pid], settled(before))[pid]
        new = adapter.observe([pid], settled(after))[pid]
        raw = social.engagement(after)["personas"][str(pid)]
        assert new == Engagement(
            pid, raw["views"], raw["likes"], raw["shares"], raw["comments"], raw["sentiment_bps"], after
        )
        assert (new.views - old.views, new.likes - old.likes) == (3, 3)
        assert (new.shares - old.shares, new.comments - old.comments) == (1, 2)
        assert new.sentiment_bps > 0  # two warm comments
        # the follow and the rating are counted by the service, labelled in the metrics, off chain
        assert raw["follows"] >= 1 and raw["ratings"] >= 1
        assert metric(registry, "fame_oracle_native_engagement", signal="follows", origin="local") == raw["follows"]
        assert metric(registry, "fame_oracle_native_engagement", signal="ratings", origin="local") == raw["ratings"]
        assert metric(registry, "fame_oracle_native_engagement", signal="likes", origin="federated") == 0
        # what happens after the observed moment does not change its numbers
        assert fans[1].post(f"/api/posts/{post_id}/share").status_code == 200
        assert fans[2].delete(f"/api/posts/{post_id}/like").status_code == 200
        assert adapter.observe([pid], settled(after))[pid] == new
        # a persona the service does not know is left out
        assert set(adapter.observe([pid, 2, 4_000_000], settled(after))) == {pid, 2}
    finally:
        adapter.close()
        for fan in fans:
            fan.close()


@needs_social
def test_two_operators_reading_the_same_round_agree(social):
    round_start = settled(next_second())
    a = make_adapter("native", operator_index=0, social_url=social.url)
    b = make_adapter("native", operator_index=1, social_url=social.url)
    try:
        fan = social.fan(7)
        time.sleep(0.3)
        first = a.observe(list(PERSONAS), round_start)
        fan.post("/api/personas/2/follow")  # a later interaction: not in this round's numbers
        second = b.observe(list(reversed(PERSONAS)), round_start)
        fan.close()
        assert set(first) == set(PERSONAS) and first == second
        assert [e.pack() for e in sorted(first.values())] == [e.pack() for e in sorted(second.values())]
    finally:
        a.close()
        b.close()


@needs_social
def test_operators_on_the_default_adapter_put_the_services_numbers_on_chain(social, tmp_path):
    """Four operator processes on the native adapter and a real chain: the reports that land
    carry exactly the service's totals for the observed moment, and move reputation."""
    from oracle_stack import OracleNetwork

    from oracle.report import decode_logged

    fan = social.fan(11)
    with social.operator() as op:
        post = op.post(
            "/api/runtime/posts",
            json={
                "persona_id": 2,
                "body": "rain on the river",
                "manifest_cid": "bafkreigh2akiscaildc6mxdisnfy7yfjg6ln5yqsdpuiasvscdgmjncbvy",
                "idempotency_key": "native-network-1",
            },
        ).json()
    fan.get(f"/api/posts/{post['id']}")
    fan.post(f"/api/posts/{post['id']}/like")
    fan.post(f"/api/posts/{post['id']}/comments", json={"body": "what a lovely, calm picture"})
    fan.close()
    net = OracleNetwork(
        tmp_path,
        personas=2,
        env={"FAME_ORACLE_ADAPTER": "native", "FAME_ORACLE_SOCIAL_URL": social.url},
    )
    try:
        health = httpx.get(f"{net.url(0)}/health", timeout=5).json()
        assert health["adapter"] == "native"
        landed = net.wait_reports(2, net.epoch_now(), timeout=15 * net.round_seconds + 20)
        for report in landed:
            for word in report["observations"]:
                e, _ = decode_logged(word)
                raw = social.engagement(e.observed_at)["personas"][str(e.persona_id)]
                assert e.observed_at == net.epoch_start(report["epoch"]) - SETTLE_S
                assert (e.views, e.likes, e.shares, e.comments, e.sentiment_bps) == (
                    raw["views"],
                    raw["likes"],
                    raw["shares"],
                    raw["comments"],
                    raw["sentiment_bps"],
                )
        assert any(decode_logged(w)[1] > 0 for r in landed for w in r["observations"])
        metrics = httpx.get(f"{net.url(1)}/metrics", timeout=5).text
        assert 'fame_oracle_native_requests_total{outcome="ok"}' in metrics
    finally:
        net.close()


@needs_social
def test_the_service_going_down_is_platform_unavailable(social):
    """(Last of the live tests: it stops the module's service.)"""
    adapter = NativeAdapter(social.url, timeout=0.5, retries=1, sleep=lambda s: None)
    try:
        round_start = settled(next_second())
        assert set(adapter.observe(list(PERSONAS), round_start)) == set(PERSONAS)
        os.killpg(social.proc.pid, signal.SIGTERM)
        social.proc.wait(timeout=20)
        with pytest.raises(PlatformUnavailable, match="cannot be read"):
            adapter.observe(list(PERSONAS), round_start)
    finally:
        adapter.close()


def test_json_roundtrip_of_a_documented_answer():
    """The documented shape (social/README.md), as JSON text, parses to the same numbers."""
    body = json.loads(json.dumps(answer({1: entry()}, at=AT)))
    assert parse_answer(body, AT).personas[1].engagement(AT) == Engagement(1, 120, 30, 4, 7, 2_500, AT)
