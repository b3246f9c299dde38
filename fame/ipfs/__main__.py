"""`python -m fame.ipfs ...` runs the `fame ipfs` commands (used by tests to start the gateway)."""

from .cli import ipfs

ipfs(prog_name="fame ipfs")
