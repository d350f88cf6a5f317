"""``python -m dualtalk``."""

import sys

from .cli import main
from .inference.core.interrupts import finished

code = main(exiting=True)  # from the run's end on, a signal exits with its code (no gap before shutdown)
finished(code)  # the run is over: a signal during shutdown must not turn it into a failure
sys.exit(code)
