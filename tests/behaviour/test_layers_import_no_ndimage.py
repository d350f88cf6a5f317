"""Every Generate imports the behaviour layer; its smoothing came from ``scipy.ndimage``, 20 more scipy
modules at each worker start (start37: 105 -> 85, worker 3.33 -> 2.80 CPU-s). The layer now smooths
with :mod:`.behaviour.smoothing` (scipy's floats, checked in test_smoothing), and `eval behaviour
--suite` printed the same bytes before and after the swap."""

from __future__ import annotations

import subprocess
import sys

LOAD = """
import sys
from dualtalk.inference import pipeline
from dualtalk.inference.behaviour import apply, layers
print(sorted(m for m in ("scipy.ndimage", "scipy.signal") if m in sys.modules))
"""


def test_loading_the_take_pipeline_and_its_behaviour_layer_imports_no_scipy_ndimage():
    proc = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
