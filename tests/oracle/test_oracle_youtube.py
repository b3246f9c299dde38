"""The YouTube Data API v3 adapter against recorded API responses, served by a local HTTP
server in the test (no internet)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from oracle.adapters.base import PlatformUnavailable
from oracle.adapters.youtube import YouTubeAdapter, load_channel_map
from oracle.sentiment import sentiment_bps

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
KEY = "test-key-123"
ARIA, KAI, GHOST = "UCfameAriaNova000000000", "UCfameKaiRiver000000000", "UCfameGhost000000000000"


class RecordedYouTube:
    """Serves the recorded responses; `mode` switches to failure answers."""

    def __init__(self) -> None:
        self.mode = "normal"
        self.requests: list[tuple[str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                outer.requests.append((url.path, params))
                status, name = outer.route(url.path, params)
                body = (FIXTURES / name).read_bytes()
                self.send_response(status)
                self.send_header("content-type", "application/json; charset=UTF-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, path: str, p: dict) -> tuple[int, str]:
        if p.get("key") != KEY:
            return 400, "quota_exceeded.json"
        if self.mode == "quota":
            return 403, "quota_exceeded.json"
        resource = path.removeprefix("/youtube/v3/")
        if resource == "channels":
            ids = set(p["id"].split(","))
            return (200, "channels.json") if ids & {ARIA, KAI} else (200, "channels_empty.json")
        if resource == "playlistItems":
            return 200, {
                "UUfameAriaNova000000000": "playlist_aria.json",
                "UUfameKaiRiver000000000": "playlist_kai.json",
            }[p["playlistId"]]
        if resource == "videos":
            return 200, "videos_aria.json" if p["id"].startswith("aria") else "videos_kai.json"
        if resource == "commentThreads":
            return {"ariaVid0003": (200, "comments_aria3.json"), "ariaVid0002": (200, "comments_aria2.json")}.get(
                p["videoId"], (403, "comments_disabled.json")
            )
        return 404, "channels_empty.json"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def youtube():
    server = RecordedYouTube()
    yield server
    server.close()


def adapter(url, **kw):
    return YouTubeAdapter(KEY, {1: ARIA, 2: KAI, 3: GHOST}, base_url=url, refresh_seconds=kw.pop("refresh", 0), **kw)


def test_observes_channels_from_recorded_responses(youtube):
    a = adapter(youtube.url)
    seen = a.observe([1, 2, 3, 4], at=0)
    assert set(seen) == {1, 2}  # 3: unknown channel; 4: no channel mapped
    aria = seen[1]
    assert aria.views == 18_204_417  # channel lifetime views
    assert aria.likes == 30_111 + 90_422  # a hidden like count counts as 0
    assert aria.comments == 1_204 + 2_210 + 3_100
    assert aria.shares == 0  # YouTube exposes no share count
    texts = [
        "This is amazing, love it!",
        "best video this week :)",
        "where was this filmed?",
        "honestly pretty boring",
        "great job as always",
    ]
    assert aria.sentiment_bps == sentiment_bps(texts) > 0  # ariaVid0001: comments disabled
    kai = seen[2]
    assert (kai.views, kai.likes, kai.comments, kai.sentiment_bps) == (920_331, 2_301, 0, 0)
    # Both channels in one channels.list call; the key travels with every request.
    channel_calls = [p for path, p in youtube.requests if path.endswith("/channels")]
    assert len(channel_calls) == 1 and set(channel_calls[0]["id"].split(",")) == {ARIA, KAI, GHOST}
    assert all(p["key"] == KEY for _, p in youtube.requests)


def test_caches_between_refreshes(youtube):
    clock = [1000.0]
    a = adapter(youtube.url, refresh=300, clock=lambda: clock[0])
    first = a.observe([1], at=0)
    calls = len(youtube.requests)
    clock[0] += 10
    assert a.observe([1], at=0) == first and len(youtube.requests) == calls
    clock[0] += 300
    a.observe([1], at=0)
    assert len(youtube.requests) > calls


def test_quota_exceeded_is_unavailable(youtube):
    youtube.mode = "quota"
    with pytest.raises(PlatformUnavailable, match="quotaExceeded"):
        adapter(youtube.url).observe([1], at=0)


def test_wrong_key_is_unavailable(youtube):
    a = YouTubeAdapter("wrong", {1: ARIA}, base_url=youtube.url, refresh_seconds=0)
    with pytest.raises(PlatformUnavailable, match="HTTP 400"):
        a.observe([1], at=0)


def test_server_down_is_unavailable(youtube):
    url = youtube.url
    youtube.close()
    with pytest.raises(PlatformUnavailable):
        adapter(url, timeout=1).observe([1], at=0)


def test_channel_map_file(tmp_path):
    path = tmp_path / "channels.json"
    path.write_text(json.dumps({"1": ARIA, "7": KAI}))
    assert load_channel_map(path) == {1: ARIA, 7: KAI}
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="persona id"):
        load_channel_map(path)


def test_needs_a_key():
    with pytest.raises(ValueError, match="API key"):
        YouTubeAdapter("", {})
