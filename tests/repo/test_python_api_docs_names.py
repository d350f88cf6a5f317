"""What a TD copies from docs/python.md and docs/scripting.md names the real thing: ``evaluate_lipsync``'s
parameters as Python has them, every logger the package warns on (so a pipeline can silence or collect
it), and the frame count the scripted panel prints for the Start/End the snippet sets."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON_PAGE = (REPO / "docs" / "python.md").read_text(encoding="utf-8")
SCRIPTING_PAGE = (REPO / "docs" / "scripting.md").read_text(encoding="utf-8")


def test_evaluate_lipsync_is_described_with_its_own_parameter_names():
    from dualtalk.training.evaluation.cmd_lipsync import evaluate_lipsync

    shown = re.search(r"`evaluate_lipsync\((\w+), (\w+)=None\)`", PYTHON_PAGE)
    assert shown, "docs/python.md should show evaluate_lipsync(<aligned>, <pred>=None)"
    assert list(shown.groups()) == list(inspect.signature(evaluate_lipsync).parameters)[:2]
    section = PYTHON_PAGE.partition("## Evaluating from Python")[2]
    used = set(re.findall(r"`(\w+_dir)`", section))
    assert not used, f"docs/python.md names parameters evaluate_lipsync does not have: {used}"


def test_every_named_logger_the_library_warns_on_is_on_the_python_page():
    names = set()
    for path in [*(REPO / "inference").rglob("*.py"), *(REPO / "dualtalk_blender" / "scene").rglob("*.py")]:
        names |= set(re.findall(r'getLogger\("(dualtalk[\w.]*)"\)', path.read_text(encoding="utf-8")))
    assert {"dualtalk.audio", "dualtalk.transcript"} <= names
    missing = sorted(n for n in names | {"dualtalk"} if f"`{n}`" not in PYTHON_PAGE)
    assert not missing, f"docs/python.md should name the loggers {missing}"


def test_the_scripted_panels_status_line_shows_the_frames_its_start_and_end_make():
    block = next(
        b for b in re.findall(r"```python\n(.*?)```", SCRIPTING_PAGE, flags=re.S) if "set_panel(" in b
    )
    start, end = (float(re.search(rf"\b{k}=([\d.]+)", block)[1]) for k in ("start", "end"))
    said = int(re.search(r"animated lite engine, (\d+) frames", block)[1])
    assert said == round((end - start) * 25), (
        f"{start}..{end} s at 25 fps is {round((end - start) * 25)} frames"
    )
