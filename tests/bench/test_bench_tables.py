"""``bench`` tables as a researcher pastes them: the numbers must say where they were measured.

Timings mean nothing without the machine; the README's tables each name theirs. Before, only
the ``--json`` line carried the machine, so a table printed without ``--json`` named none.
"""

from __future__ import annotations

import io
import platform

from dualtalk.bench.harness import BenchResult, machine_info


def test_the_printed_table_names_the_machine_without_json():
    result = BenchResult(name="demo", columns=["seconds"], rows=[[0.5]], notes=["a note"])
    out = io.StringIO()
    result.emit(False, out)
    text = out.getvalue()
    info = machine_info()
    machine_lines = [line for line in text.splitlines() if line.startswith("machine: ")]
    assert len(machine_lines) == 1, text
    line = machine_lines[0]
    assert f"{info['cpus']} CPUs" in line and f"Python {platform.python_version()}" in line
    if "cpu" in info:
        assert info["cpu"] in line
    if "torch" in info:
        assert f"torch {info['torch']}" in line
    assert text.index("a note") < text.index("machine: ")  # after the table and its notes
