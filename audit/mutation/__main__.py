import sys

from audit.mutation.cli import main

sys.exit(main())
