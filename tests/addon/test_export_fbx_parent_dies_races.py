"""The two races of the exporting Blender's clean-up after the animator's Blender died, forced.

Both left the lock file beside the user's FBX about one run in three (also on CI), and both fixes
(session 38) came without a test of their own: the parent-dies stories pass with either fix taken out
(review rv39b 5). Here each race is made to go the bad way every time:

- the export thread's next protocol line breaks its pipe while the watcher is still cleaning up: the
  thread must wait for the clean-up, not end the interpreter (which kills the watcher mid-way);
- the parent's pipe ends before the kernel has let go of the parent's lock: the clean-up must try the
  lock again rather than leave its file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.addon import fbx_child, fbx_leftovers
from dualtalk.inference.core import locks

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the parent's pipe as POSIX closes it")

# The exporting Blender's own entry point, with its export and its clean-up stood in for: the export
# waits until the watcher has begun the clean-up, then says its next line to the dead parent, which
# breaks its pipe; the clean-up is slow once begun (a large temp folder), and only then removes.
CHILD = """
import json, sys, threading, time
from dualtalk.dualtalk_blender.addon import fbx_child

begun = threading.Event()
real = fbx_child.leave_nothing

def slow_clean_up(job, job_path):
    begun.set()
    time.sleep(2.0)  # still cleaning up when the export thread's line breaks
    real(job, job_path)

def export(job):
    begun.wait(60)
    fbx_child.Lines().update("fbx", 0.5, "sampling frame 1,500/3,000")  # to the dead parent

fbx_child.leave_nothing, fbx_child.export = slow_clean_up, export
sys.exit(fbx_child.main(sys.argv[1:]))
"""


def a_job(tmp_path: Path) -> tuple[Path, Path, Path]:
    """What a running export has: its job folder and file, the staged file and the lock beside the
    user's file (the dead parent's: a file nobody holds now)."""
    final = tmp_path / "pair.fbx"
    staged = tmp_path / ".pair.q7w2e9rt.part.fbx"
    staged.write_bytes(b"half an FBX")
    locks.lock_file(final).write_text("pid 1 on the animator's machine\n")
    folder = tmp_path / "tmp" / f"{fbx_leftovers.FOLDER_PREFIX}k3j9x2ab"
    folder.mkdir(parents=True)
    job = {"parent_pipe": True, "files": [{"objects": [], "path": str(staged), "final": str(final)}]}
    (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
    return folder / "job.json", staged, final


def test_a_broken_pipe_while_the_watcher_cleans_up_waits_for_the_clean_up(tmp_path):
    job_path, staged, final = a_job(tmp_path)
    import dualtalk

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(dualtalk.__file__).parents[1])]))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(job_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert json.loads(child.stdout.readline())["event"] == "start"
    child.stdin.close()  # the animator's Blender is gone: both its pipes end
    child.stdout.close()
    child.wait(timeout=60)

    assert child.returncode == 3, child.stderr.read()
    assert not locks.lock_file(final).exists()  # the clean-up ran to its end
    assert not staged.exists() and not job_path.parent.exists()


def test_a_lock_the_dead_parent_still_holds_for_a_moment_is_tried_again(tmp_path, monkeypatch):
    """The kernel lets go of the parent's lock a moment after its pipe ended: the first tries find it
    held (stood in for: the first three), the next one takes it and removes its file."""
    job_path, staged, final = a_job(tmp_path)
    real, tries = locks.locked, []

    def held_a_moment(target, label, **kw):
        tries.append(target)
        if len(tries) <= 3:
            raise locks.held_by(target, "pid 1 on the animator's machine", "wait")
        return real(target, label, **kw)

    monkeypatch.setattr(locks, "locked", held_a_moment)
    job = json.loads(job_path.read_text(encoding="utf-8"))

    fbx_child.leave_nothing(job, job_path)

    assert len(tries) == 4 and not locks.lock_file(final).exists()
    assert not staged.exists() and not job_path.parent.exists()


def test_a_lock_a_live_export_holds_stays(tmp_path):
    """A new export of the file took the lock meanwhile: it is not the dead parent's to remove."""
    job_path, _staged, final = a_job(tmp_path)
    job = json.loads(job_path.read_text(encoding="utf-8"))
    with locks.locked(final, "FBX file"):
        fbx_child.leave_nothing(job, job_path)
        assert locks.lock_file(final).exists()
