import sys

from haven.cli import main

sys.exit(main())
