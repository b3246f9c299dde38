"""YouTube Data API v3 adapter: one YouTube channel per persona.

Per observation, for the channels of the requested personas:

- channels.list (part=statistics,contentDetails; up to 50 ids a call): lifetime
  `viewCount` and the uploads playlist;
- playlistItems.list on the uploads playlist: the channel's most recent videos (up to
  50; YouTube has no channel-wide like or comment totals);
- videos.list (part=statistics): `likeCount` and `commentCount` summed over those videos
  (a hidden like count or disabled comments count as 0);
- commentThreads.list on the newest few videos: comment texts, scored with VADER.

YouTube exposes no share count: shares are reported as 0. Likes and comments are sums over
the recent catalogue, so they can fall when an old video leaves it; the on-chain oracle
treats a fall as no gain. Results are cached for `refresh_seconds` (quota: about
3 + comment_videos units per persona per refresh). Quota, key and server errors raise
PlatformUnavailable; an unknown channel leaves its persona out.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from ..report import Engagement
from ..sentiment import sentiment_bps
from .base import PlatformAdapter, PlatformUnavailable

BATCH = 50


class YouTubeAdapter(PlatformAdapter):
    name = "youtube"

    def __init__(
        self,
        api_key: str,
        channels: dict[int, str],
        *,
        base_url: str = "https://www.googleapis.com",
        timeout: float = 5.0,
        recent_videos: int = 50,
        comment_videos: int = 3,
        comments_per_video: int = 50,
        refresh_seconds: float = 300.0,
        client: httpx.Client | None = None,
        clock=time.time,
    ) -> None:
        if not api_key:
            raise ValueError("the YouTube adapter needs an API key (FAME_ORACLE_YOUTUBE_API_KEY)")
        self.api_key = api_key
        self.channels = dict(channels)
        self.base_url = base_url.rstrip("/")
        self.recent_videos = recent_videos
        self.comment_videos = comment_videos
        self.comments_per_video = comments_per_video
        self.refresh_seconds = refresh_seconds
        self.client = client or httpx.Client(timeout=timeout)
        self.clock = clock
        self._cache: dict[int, tuple[float, Engagement]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, cfg) -> YouTubeAdapter:
        if cfg.youtube_api_key is None:
            raise ValueError("FAME_ORACLE_ADAPTER=youtube needs FAME_ORACLE_YOUTUBE_API_KEY")
        if cfg.youtube_channels is None:
            raise ValueError(
                "FAME_ORACLE_ADAPTER=youtube needs FAME_ORACLE_YOUTUBE_CHANNELS (a JSON file "
                '{"<persona id>": "<channel id>"})'
            )
        return cls(
            cfg.youtube_api_key.get_secret_value(),
            load_channel_map(cfg.youtube_channels),
            base_url=cfg.youtube_base_url,
            timeout=cfg.request_timeout * 2,
        )

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------ HTTP

    def _get(self, resource: str, params: dict) -> dict:
        try:
            r = self.client.get(f"{self.base_url}/youtube/v3/{resource}", params={**params, "key": self.api_key})
        except httpx.HTTPError as exc:
            raise PlatformUnavailable(f"YouTube {resource}: {type(exc).__name__}") from None
        if r.status_code == 200:
            try:
                return r.json()
            except ValueError:
                raise PlatformUnavailable(f"YouTube {resource}: the answer is not JSON") from None
        reason = _error_reason(r)
        raise YouTubeError(r.status_code, reason, f"YouTube {resource}: HTTP {r.status_code} ({reason or 'no reason'})")

    # ------------------------------------------------------------ observing

    def observe(self, persona_ids: Sequence[int], at: int) -> dict[int, Engagement]:
        with self._lock:
            now = self.clock()
            wanted = {pid: self.channels[pid] for pid in persona_ids if pid in self.channels}
            stale = {
                pid: ch
                for pid, ch in wanted.items()
                if pid not in self._cache or now - self._cache[pid][0] >= self.refresh_seconds
            }
            if stale:
                try:
                    fresh = self._fetch(stale, int(now))
                except YouTubeError as exc:
                    raise PlatformUnavailable(str(exc)) from None
                for pid, e in fresh.items():
                    self._cache[pid] = (now, e)
                for pid in set(stale) - set(fresh):
                    self._cache.pop(pid, None)
            return {pid: self._cache[pid][1] for pid in wanted if pid in self._cache}

    def _fetch(self, channels: dict[int, str], now: int) -> dict[int, Engagement]:
        ids = list(dict.fromkeys(channels.values()))
        found: dict[str, dict] = {}
        for i in range(0, len(ids), BATCH):
            data = self._get(
                "channels",
                {"part": "statistics,contentDetails", "id": ",".join(ids[i : i + BATCH]), "maxResults": BATCH},
            )
            for item in data.get("items", []):
                found[item["id"]] = item
        out = {}
        for pid, channel_id in channels.items():
            item = found.get(channel_id)
            if item is None:
                continue  # unknown or deleted channel: this persona is not observed
            views = _count(item.get("statistics", {}), "viewCount")
            uploads = item.get("contentDetails", {}).get("relatedPlaylists", {}).get("uploads")
            videos = self._recent_videos(uploads) if uploads else []
            likes = comments = 0
            for i in range(0, len(videos), BATCH):
                data = self._get(
                    "videos", {"part": "statistics", "id": ",".join(videos[i : i + BATCH]), "maxResults": BATCH}
                )
                for v in data.get("items", []):
                    stats = v.get("statistics", {})
                    likes += _count(stats, "likeCount")
                    comments += _count(stats, "commentCount")
            texts = []
            for video_id in videos[: self.comment_videos]:
                texts += self._comment_texts(video_id)
            out[pid] = Engagement(pid, views, likes, 0, comments, sentiment_bps(texts) or 0, now).clamped()
        return out

    def _recent_videos(self, playlist_id: str) -> list[str]:
        try:
            data = self._get(
                "playlistItems",
                {"part": "contentDetails", "playlistId": playlist_id, "maxResults": min(BATCH, self.recent_videos)},
            )
        except YouTubeError as exc:
            if exc.status == 404:  # an empty channel has no uploads playlist yet
                return []
            raise
        return [
            it["contentDetails"]["videoId"]
            for it in data.get("items", [])
            if it.get("contentDetails", {}).get("videoId")
        ][: self.recent_videos]

    def _comment_texts(self, video_id: str) -> list[str]:
        try:
            data = self._get(
                "commentThreads",
                {
                    "part": "snippet",
                    "videoId": video_id,
                    "order": "time",
                    "textFormat": "plainText",
                    "maxResults": self.comments_per_video,
                },
            )
        except YouTubeError as exc:
            if exc.reason in ("commentsDisabled", "videoNotFound") or exc.status == 404:
                return []
            raise
        texts = []
        for item in data.get("items", []):
            snippet = item.get("snippet", {}).get("topLevelComment", {}).get("snippet", {})
            text = snippet.get("textOriginal") or snippet.get("textDisplay")
            if text:
                texts.append(text)
        return texts


class YouTubeError(Exception):
    def __init__(self, status: int, reason: str | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def _error_reason(r: httpx.Response) -> str | None:
    try:
        errors = r.json()["error"].get("errors") or [{}]
        return errors[0].get("reason")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _count(stats: dict, name: str) -> int:
    try:
        return max(0, int(stats.get(name, 0)))
    except (TypeError, ValueError):
        return 0


def load_channel_map(path: Path) -> dict[int, str]:
    """{"<persona id>": "<channel id>"} from a JSON file."""
    try:
        raw = json.loads(Path(path).read_text())
        return {int(k): str(v) for k, v in raw.items()}
    except (OSError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path} is not a JSON object of persona id -> channel id ({exc})") from None
