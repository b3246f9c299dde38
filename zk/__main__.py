"""`python -m zk ...` runs the zk command line."""

from .cli import zk

zk()
