"""A torch that is there but does not import (its .so gone after an interrupted pip, or built for
another Python): the worker says so in one line with the next step, as an environment problem,
not as "internal error" (a bug of ours). A failure elsewhere is still a bug."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

LIBTORCH_GONE = "libtorch_cpu.so: cannot open shared object file: No such file or directory"


@pytest.fixture
def broken_torch(tmp_path):
    """A folder that, first on the path, holds a torch whose import raises as a half-installed one does."""
    folder = tmp_path / "broken"
    (folder / "torch").mkdir(parents=True)
    (folder / "torch" / "__init__.py").write_text(f"raise ImportError({LIBTORCH_GONE!r})\n")
    return folder


def _worker(job, extra_path) -> tuple[int, dict]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH", "")) if p)
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk", "worker", "--job", str(job)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    return out.returncode, json.loads(out.stdout.strip().splitlines()[-1])


def test_generate_with_a_torch_that_does_not_import_says_what_to_do(talk, broken_torch):
    job = talk.parent / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": talk.name}}))
    code, last = _worker(job, broken_torch)
    assert code == 2 and last["event"] == "error" and last["kind"] == "environment"
    message = last["message"]
    assert "internal error" not in message and "\n" not in message
    assert f"({sys.executable}) has torch but it does not import (ImportError: {LIBTORCH_GONE})" in message
    assert "Install Dependencies" in message


def test_an_import_error_raised_by_our_own_code_is_not_blamed_on_torch():
    """Only a failure inside the import of torch, numpy, scipy or soundfile is the environment's."""
    from dualtalk.inference.broken_dependency import failed_import

    for module, expected in (
        ("dualtalk.inference.pipeline", None),
        ("torch", "torch"),
        ("scipy.signal", "scipy"),
    ):
        code = compile(f"raise ImportError({LIBTORCH_GONE!r})", f"{module}.py", "exec")
        try:
            exec(code, {"__name__": module})  # as the import of ``module`` runs its top-level code
        except ImportError as exc:
            assert failed_import(exc) == expected
