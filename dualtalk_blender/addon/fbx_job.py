"""The panel's Export FBX as a background job (:class:`.job.Job`), so Esc stops a long export.

Blender's FBX exporter is one call that holds Blender until the file is written (half a minute on a
production pair, minutes on a long take), and a blocking operator hears no key: Esc could not stop it.
The job saves a copy of the file as it is now (unsaved edits included) in a private temp folder and
has a Blender of its own write the files from it (:mod:`.fbx_child`), as Generate has its worker
infer; the animator's Blender polls it from the modal operator (progress, Esc, the panel's Cancel).

Each file is written to a hidden staged sibling of the user's file (``.pair.XXXX.part.fbx``, made by
:func:`...inference.core.fileio.atomic_paths`), and all are renamed into place together once the
child said it wrote them: a cancel, a failure or a crash leaves the user's files as they were, with no
part of the new ones, and the temp folder goes. Each file's lock (:func:`...inference.core.locks.locked`,
as ``animate --fbx`` takes it) is held meanwhile: two Blenders exporting one file keep each other out.
When the animator's Blender itself dies, the exporting Blender sees its stdin close and removes the staged
files and the temp folder; what it could not, the next Export FBX sweeps (:mod:`.fbx_leftovers`).

Everything the export would refuse is refused before the copy is saved
(:func:`.panel_fbx.planned_files`), in the same words as the export run in Blender itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...inference.core.errors import CancelledError, DualTalkError
from .job import Outcome

TASK = "FBX export"  # the status's task, and how a line names it ("FBX export cancelled")
ENTRY = "fbx-export"  # what the package's loader runs in the exporting Blender (package_loader.ENTRIES)
STOP_GRACE_S = 2.0  # after SIGTERM, how long the child has to end its bake before SIGKILL
# A Python exception's own line ("FileNotFoundError: ..."), which Blender prints to stdout after
# "Error: Python: Traceback" when its script fails (before the package could speak the protocol), or
# after "Error: Python: " alone where it could not open the script (the extension removed meanwhile)
_RAISED = re.compile(r"^(?:Error: )?(?:Python: )?([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt): .*)")
_BANNER = re.compile(r"^Blender (\d+\.\d+(?:\.\d+)?)\b")  # the first line a Blender binary prints


def runs_scripts_here(app: Any, prefs: Any, data: Any, scene: Any = None) -> bool:
    """Whether this Blender runs this file's Python (drivers, registered scripts), as the exporting
    Blender must too, so the rig moves there as here, and never where it does not: the exporting
    Blender must not widen the auto-run preference (review rv39b 2). Blocked here
    (``app.autoexec_fail``, or ``autoexec_fail_quiet`` once the warning was dismissed): not there
    either, also where the preference is on but the file lies in an excluded path (the copy in the
    temp folder is not). The preference on: there too. Off: only where this session is seen to trust
    the file (:func:`_trusted`)."""
    if app.autoexec_fail or app.autoexec_fail_quiet:
        return False
    if prefs is not None and bool(prefs.filepaths.use_scripts_auto_execute):
        return True
    return _trusted(app, data, scene)


def _trusted(app: Any, data: Any, scene: Any) -> bool:
    """With auto-run off, whether this session trusts the file (*Allow Execution* pressed, or Blender
    started with ``-y``): a driver of ``scene`` that only a trusted file runs is evaluated now, and
    Blender did not block it. A registered text is never evidence: one appended or ticked in this
    session never ran here. A driver Blender runs untrusted too (a simple expression, or only math on
    its variables) needs no trust there either, so it says nothing."""
    owners = _needing_trust(data)
    if scene is None or not owners:
        return False
    import bpy

    if bpy.context.scene != scene:  # its drivers are evaluated only where it is the context's
        return False
    for owner in owners:  # its drivers evaluated again now, as the export's first frame will
        owner.update_tag()
    # the tagged ids' drivers run, their animation is not applied again: a frame_set here re-keyed
    # the open scene and dropped the animator's unkeyed pose and shape-key tweaks (review rv40b F3)
    ids = bpy.context.evaluated_depsgraph_get().ids
    evaluated = {item.original.as_pointer() for item in ids if item.original is not None}
    if not any(owner.as_pointer() in evaluated for owner in owners):
        return False  # none is in the scene: none was run, none says anything
    return not (app.autoexec_fail or app.autoexec_fail_quiet)


def _needing_trust(data: Any) -> list[Any]:
    """The ID blocks holding a live driver that Blender runs only in a trusted file, by Blender's own
    test (``_bpy._driver_secure_code_test``: reading ``bpy`` or a script's function is not allowed,
    math on the driver's variables is). Without that test none is known, and none is trusted."""
    try:
        from _bpy import _driver_secure_code_test as secure  # type: ignore[import-not-found]
    except ImportError:
        return []
    owners = []
    for collection in (data.objects, data.shape_keys, data.armatures, data.meshes, data.materials):
        for idblock in collection:
            anim = getattr(idblock, "animation_data", None)
            for fcurve in anim.drivers if anim is not None else ():
                driver = fcurve.driver
                if fcurve.mute or driver.type != "SCRIPTED" or driver.is_simple_expression:
                    continue
                try:
                    code = compile(driver.expression, "<driver>", "eval")
                except (SyntaxError, ValueError):  # Blender never runs it either
                    continue
                # the names Blender adds when it evaluates it: said secure where they are, never less
                names = {variable.name: 0.0 for variable in driver.variables} | {"frame": 0.0, "self": None}
                if not secure(code, namespace=names):
                    owners.append(idblock)
                    break
    return owners


def child_command(job_path: Path, binary: str | None = None, autoexec: bool | None = None) -> list[str]:
    """How to start the exporting Blender: Blender's own ``binary`` (default: this Blender's) in the
    background with factory settings (no add-on of the user's runs there; the FBX exporter is Blender's
    own) and Python drivers auto-run as ``autoexec`` (default: as this Blender runs this file's,
    :func:`runs_scripts_here`), so they play there as here; in Python's ``bpy`` module (no binary),
    this interpreter."""
    import bpy

    from .worker_client import LOADER

    binary = bpy.app.binary_path if binary is None else binary  # "" in the bpy module
    if not binary:
        return [sys.executable, str(LOADER), ENTRY, str(job_path)]
    if autoexec is None:
        autoexec = runs_scripts_here(bpy.app, bpy.context.preferences, bpy.data, bpy.context.scene)
    return [
        binary,
        "--background",
        "--factory-startup",
        "--enable-autoexec" if autoexec else "--disable-autoexec",
        "--python-exit-code",
        "1",
        "--python",  # the package's one loader, by its path (package_loader.py)
        str(LOADER),
        "--",
        ENTRY,
        str(job_path),
    ]


def _temp_folder(prefix: str) -> Path:
    """The job's own folder in the temp folder. A temp folder that is read-only or full before the
    copy is saved said only "could not start FBX export: [Errno 30] Read-only file system:
    '/tmp/dualtalk_fbx_x'" (closing38): now the line names the temp folder and the variable that
    moves it, as a failed save of the copy does (:func:`..scene.blendio.temp_folder_line`)."""
    from ..scene.blendio import TEMP_VARIABLE, temp_folder_line

    try:
        parent = tempfile.gettempdir()
    except OSError as exc:  # none of TMPDIR, /tmp, /var/tmp, the current folder takes a file
        raise DualTalkError(
            f"could not find a temp folder to save a copy of the file for the export in "
            f"({exc.strerror or exc}); "
            f"set {TEMP_VARIABLE} to a folder with room"
        ) from None
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise DualTalkError(
            temp_folder_line(Path(parent), "make a folder for the export", why, exc.errno)
        ) from None


@contextlib.contextmanager
def _in_temp_folder(folder: Path, what: str) -> Iterator[None]:
    """An OSError doing ``what`` in the temp folder, as one line naming that folder (``folder``, or the
    temp folder holding the job's own folder) and how to move it."""
    from ..scene.blendio import temp_folder_line
    from .fbx_leftovers import FOLDER_PREFIX

    try:
        yield
    except OSError as exc:
        where = folder.parent if folder.name.startswith(FOLDER_PREFIX) else folder
        why = exc.strerror or str(exc)
        raise DualTalkError(temp_folder_line(where, what, why, exc.errno)) from None


class FbxExport:
    """One Export FBX in a Blender of its own: :meth:`start`, :meth:`poll` until False, :meth:`result`."""

    task = TASK
    outlives_file = False  # another file opened: the export of this one is stopped, nothing written

    def __init__(self, scene: Any, settings: Any, path: str) -> None:
        self.scene, self.settings, self.path = scene, settings, path
        self.state = "new"
        self.fraction, self.message = 0.0, "saving a copy of the file for the export"
        self.finals: list[Path] = []
        self.error = ""
        self._files: contextlib.ExitStack | None = None
        self._staged: list[Path] = []
        self._folder: Path | None = None
        self._owner = -1  # the temp folder's owner lock (:mod:`.fbx_leftovers`), passed to the child
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: queue.Queue[str | None] = queue.Queue()
        self._errors: list[str] = []
        self._said: list[str] = []  # the child's last stdout lines that are not the protocol's
        self._blender = ""  # "Blender 3.4.1 at /usr/bin/blender", once its banner is read
        self._binary = ""  # what was started: Blender's binary (or, in the bpy module, Python)
        self._final: dict[str, Any] | None = None

    # the Job protocol ----------------------------------------------------------------------------
    def start(self) -> FbxExport:
        """Refuse what the export would refuse, take each file's lock, sweep what dead exports left,
        save the copy, stage the files and start the child; a refusal (one line) leaves nothing behind."""
        from ...inference.core import locks
        from ...inference.core.fileio import atomic_paths
        from ..scene import blendio
        from . import fbx_leftovers
        from .panel_fbx import planned_files

        scope, plan = planned_files(self.settings, self.path)
        self.finals = [final for _objects, final in plan]
        self._files = contextlib.ExitStack()
        try:
            for final in self.finals:  # held until the files are in place: the sweep takes no live file
                self._files.enter_context(
                    locks.locked(final, "FBX file", fix="choose another FBX file", what="FBX file")
                )
            fbx_leftovers.sweep(self.finals)
            self._folder = _temp_folder(fbx_leftovers.FOLDER_PREFIX)
            with _in_temp_folder(self._folder, "make the export's lock file"):
                self._owner = fbx_leftovers.hold_owner(self._folder)
            self._staged = self._files.enter_context(atomic_paths(self.finals, suffix=".fbx"))
            copy = self._folder / "scene.blend"
            import bpy

            view_layer = bpy.context.view_layer
            job = {
                "blend": str(copy),
                "scene": self.scene.name_full,
                "view_layer": view_layer.name if view_layer is not None else self.scene.view_layers[0].name,
                "scope": scope,
                "parent_pipe": True,  # stdin: its end means this Blender is gone
                "files": [
                    {"objects": [o.name_full for o in objects], "path": str(staged), "final": str(final)}
                    for (objects, final), staged in zip(plan, self._staged, strict=True)
                ],
            }
            # written before the copy's slow save: a crash meanwhile leaves a job the next export's
            # sweep reads, with the staged files and the locks beside the user's (review rv39b 3)
            job_path = self._folder / "job.json"
            with _in_temp_folder(self._folder, "write the export's job file"):  # a temp folder with no room
                job_path.write_text(json.dumps(job), encoding="utf-8")
            blendio.save_job_copy(bpy, copy)  # uncompressed; a full temp folder said as such (rv38g 5, 6)
            self._spawn(job_path)
        except BaseException:
            self._discard()
            raise
        self.state, self.message = "running", "starting Blender for the export"
        return self

    def _spawn(self, job_path: Path) -> None:
        from .worker_client import drain_lines

        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONIOENCODING"] = "utf-8"
        command = child_command(job_path)
        self._binary = command[0]
        try:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,  # never written: it closes when this Blender ends, however it ends
                pass_fds=self._passed(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=env,
                cwd=str(job_path.parent),
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise DualTalkError(f"could not start Blender for the FBX export: {exc}") from None
        threading.Thread(target=drain_lines, args=(self._proc.stdout, self._lines), daemon=True).start()
        threading.Thread(target=drain_lines, args=(self._proc.stderr, self._stderr), daemon=True).start()

    def _passed(self) -> tuple[int, ...]:
        """The temp folder's owner lock, shared with the child (one open file): the folder stays
        owned while either Blender lives. Windows passes no descriptor; its child cleans up itself."""
        return (self._owner,) if os.name == "posix" and self._owner >= 0 else ()

    def poll(self) -> bool:
        """Read what the child said; True while it runs."""
        from .worker_client import _parse

        if self.state != "running" or self._proc is None:
            return False
        ended = False
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                break
            if line is None:
                ended = True
                continue
            event = _parse(line)
            if event is None:  # Blender's banner, a failed --python-expr's traceback (rv38g 4)
                self._heard(line)
                continue
            if event.get("event") == "progress":
                with contextlib.suppress(TypeError, ValueError):
                    self.fraction = min(max(float(event.get("fraction", 0.0)), 0.0), 1.0)
                self.message = str(event.get("message", "")) or self.message
            elif event.get("event") in ("done", "error"):
                self._final = event
        if not ended:
            return True
        code = self._proc.wait()
        self._read_stderr()
        final = self._final or {}
        if final.get("event") == "done" and code == 0:
            self.state = "done"
        elif final.get("kind") == "cancelled":
            self.state = "cancelled"
        else:
            self.state = "error"
            said = str(final.get("message") or "")
            if final.get("kind") == "internal":  # not the user's doing: which Blender it was
                said = f"the Blender writing the FBX file{self._named()} failed: {said}"
            self.error = said or self._crash(code)
        return False

    @property
    def progress(self) -> tuple[float, str]:
        return self.fraction, self.message

    def cancel(self) -> None:
        """Esc or Cancel: the child stops at its next frame (SIGTERM; killed if it does not end)."""
        if self.state != "running":
            return
        self.state = "cancelled"
        self._stop()

    def result(self) -> Outcome:
        """The files put in place together (done), or the user's as they were; the temp folder goes."""
        from ...inference.core.fileio import final_names

        try:
            if self.state == "done":
                assert self._files is not None
                try:
                    self._files.close()  # every staged file renamed into place together
                except DualTalkError as exc:
                    return Outcome(False, f"DualTalk: {exc}")
                self._files = None
                return Outcome(True, "exported")
            if self.state == "cancelled":
                return Outcome(False, "DualTalk: FBX export cancelled; no file was written", cancelled=True)
            staged = dict(zip(self.finals, self._staged, strict=False))
            return Outcome(False, f"DualTalk: {final_names(self.error or 'the FBX export failed', staged)}")
        finally:
            self._discard()

    # clean-up --------------------------------------------------------------------------------------
    def _stop(self) -> None:
        from .worker_client import signal_group

        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(STOP_GRACE_S)

    def _discard(self) -> None:
        """Whatever did not go into place goes: the staged files, what the child was writing beside
        them when it was stopped, the copy of the .blend; the files' locks are let go."""
        from .fbx_leftovers import exporters_temporaries

        self._stop()
        if self._proc is not None and self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        files, self._files = self._files, None
        try:
            if files is not None:  # unstaged while the locks are still held
                files.__exit__(CancelledError, CancelledError("FBX export stopped"), None)
        finally:
            for staged in self._staged:  # the child's own temporary beside its staged file (a SIGKILL)
                for left in exporters_temporaries(staged):
                    with contextlib.suppress(OSError):
                        left.unlink()
            if self._owner >= 0 and os.name != "posix":  # Windows removes no open file
                os.close(self._owner)
                self._owner = -1
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None
            if self._owner >= 0:
                os.close(self._owner)
                self._owner = -1

    def _read_stderr(self) -> None:
        """The child's last words (a crash's), kept for the line; its stderr closes as it exits."""
        with contextlib.suppress(queue.Empty):
            while (line := self._stderr.get(timeout=1.0)) is not None:
                if line.strip():
                    self._errors = [*self._errors[-2:], line.strip()[:300]]

    def _heard(self, line: str) -> None:
        """Keep what the child printed that is not the protocol: its banner names the Blender started,
        and its last lines hold the error of a script Blender could not run (it prints them to stdout)."""
        text = line.strip()
        banner = _BANNER.match(text)
        if banner and not self._blender:
            self._blender = f"Blender {banner.group(1)} at {self._binary}"
        elif text:
            self._said = [*self._said[-39:], text[:300]]

    def _named(self) -> str:
        return f" ({self._blender})" if self._blender else ""

    def _crash(self, code: int) -> str:
        """The line for a child that ended without a word of the protocol, naming the Blender: the
        exception's own line where it printed one (stdout or stderr) and exited, else (killed by a
        signal, or nothing raised) its last words on stderr."""
        printed = (*self._said, *self._errors) if code > 0 else ()
        raised = [m.group(1) for m in map(_RAISED.match, printed) if m is not None]
        last = raised[-1] if raised else (self._errors[-1] if self._errors else "")
        said = f": {last}" if last else ""
        return f"the Blender writing the FBX file{self._named()} stopped (exit code {code}){said}"
