"""`python -m audit` (what `make audit` runs): see audit.summary."""

import sys

from .summary import main

sys.exit(main())
