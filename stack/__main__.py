"""`python -m stack`: the local stack in the foreground (what `make up` runs)."""

from .up import main

main()
