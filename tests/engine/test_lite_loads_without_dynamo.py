"""Every Generate starts a worker that loads the lite engine. Its weights are checked against a
skeleton built on torch's meta device, and the log-mel window made there went through torch's
decompositions, which import ``torch._dynamo``: 1.3 s of CPU at every worker's start (found by the
suite-time helper's profile, session 36). The window is now made on the CPU (moved with the model),
the same numbers as before, and loading the engine imports no compiler."""

from __future__ import annotations

import subprocess
import sys

import torch
from dualtalk.inference.models.lite.features import LogMel


def test_loading_the_lite_engine_in_a_fresh_process_imports_no_torch_dynamo():
    code = (
        "import sys\n"
        "from dualtalk.inference.models.lite.model import load_lite\n"
        "load_lite()\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_the_window_is_torchs_hann_window_and_follows_the_model_to_its_device():
    mel = LogMel()
    assert torch.equal(mel.window, torch.hann_window(400))
    with torch.device("meta"):
        skeleton = LogMel()
    assert skeleton.window.shape == (400,)
    assert mel.to("meta").window.device.type == "meta"
