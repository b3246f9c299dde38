"""`python -m benchmarks [SUITE ...]` (what `make bench` runs)."""

import sys

from .runner import main

sys.exit(main())
