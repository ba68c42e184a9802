"""`python -m complaintdesk` and the PyInstaller entry point."""

import sys

from complaintdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
