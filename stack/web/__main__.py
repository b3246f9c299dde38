"""`python -m stack.web [--host H] [--port P] [--rpc-url URL] [--social-url URL] [--live-url URL]
[--ipfs-rpc-host H] [--ipfs-rpc-port P]`: the frontend, IPFS gateway, DID resolver, event index, the
fans' pin endpoint and the proxies of the social service (/social/) and the live server (/live/)
on one loopback origin, and the embedded store's RPC API (the write side, the operator's) on a
loopback port of its own, in the same process (stack.up starts it)."""

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
parser.add_argument(
    "--ipfs-rpc-host",
    default=s.ipfs_rpc_host,
    help="address of the store's RPC API (default: FAME_IPFS_RPC_HOST; beyond loopback it needs FAME_IPFS_API_TOKEN)",
)
parser.add_argument("--ipfs-rpc-port", type=int, default=s.ipfs_rpc_port, help="its port (default: FAME_IPFS_RPC_PORT)")
opts = parser.parse_args()
listeners = [
    (opts.host, opts.port, "FAME_GATEWAY_PORT"),
    (opts.ipfs_rpc_host, opts.ipfs_rpc_port, "FAME_IPFS_RPC_PORT"),
]
for host, port, variable in listeners:
    if port_in_use(host, port):
        raise SystemExit(str(FameError(f"port {port} on {host} is taken; set {variable}")))
try:
    serve(
        opts.host,
        opts.port,
        opts.rpc_url,
        dist=opts.dist,
        social_url=opts.social_url,
        live_url=opts.live_url,
        rpc_host=opts.ipfs_rpc_host,
        rpc_port=opts.ipfs_rpc_port,
    )
except FameError as err:
    raise SystemExit(str(err)) from None
