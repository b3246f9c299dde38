"""`python -m stack.web [--host H] [--port P] [--rpc-url URL] [--social-url URL] [--live-url URL]`:
the frontend, IPFS gateway, DID resolver, event index and the proxies of the social service
(/social/) and the live server (/live/) on one loopback origin (stack.up starts it)."""

import argparse

from fame.config import settings
from fame.errors import FameError
from fame.procs import port_in_use

from .app import default_social_url, serve
from .live_proxy import default_live_url

s = settings()
parser = argparse.ArgumentParser(prog="python -m stack.web")
parser.add_argument("--host", default=s.host)
parser.add_argument("--port", type=int, default=s.gateway_port)
parser.add_argument("--rpc-url", default=s.effective_rpc_url)
parser.add_argument("--dist", default=None, help="built frontend to serve (default: frontend/dist)")
parser.add_argument(
    "--social-url",
    default=default_social_url(),
    help="the social service /social/ forwards to (default: http://FAME_HOST:FAME_SOCIAL_PORT)",
)
parser.add_argument(
    "--live-url",
    default=default_live_url(),
    help="the live server /live/ forwards to (default: http://FAME_HOST:FAME_LIVE_PORT)",
)
opts = parser.parse_args()
if port_in_use(opts.host, opts.port):
    raise SystemExit(str(FameError(f"port {opts.port} on {opts.host} is taken; set FAME_GATEWAY_PORT")))
serve(opts.host, opts.port, opts.rpc_url, dist=opts.dist, social_url=opts.social_url, live_url=opts.live_url)
