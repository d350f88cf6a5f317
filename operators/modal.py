"""The one modal base operator: drives any add-on :class:`~..dualtalk_blender.addon.job.Job`.

Interactive: a window timer polls the job, Esc cancels it, the status bar shows its progress.
Background mode (``blender -b``, the bpy module) has no event loop: the same job is polled in a loop.
"""

from __future__ import annotations

import atexit
import contextlib

import bpy

from ..dualtalk_blender.addon import fbx_job, state
from ..dualtalk_blender.addon.job import Job, Outcome
from ..dualtalk_blender.addon.panel_options import in_panel_words
from ..dualtalk_blender.addon.state import SETUP_TASKS, SETUP_WORDS
from ..dualtalk_blender.addon.take_keying import say_warnings
from ..dualtalk_blender.addon.ui_run import generation_running
from ..inference.core.errors import DualTalkError

# Jobs started and not yet ended, with their window timer: disabling the add-on stops them (Blender
# drops a running modal operator of an unregistered class without calling its ``cancel``).
_LIVE: dict[int, tuple[Job, bpy.types.Timer | None]] = {}


# Jobs whose modal operator Blender ended (another file opened) but that carry on in the background
# (``outlives_file``: a generation whose take must not be lost, an install or a download, which have
# nothing to do with the open file), polled by an app timer that survives the file load; each ends
# as it would under its operator (:func:`job_ended`: the take kept, its folder named; the line).
_FOLLOWED: list[Job] = []
_FINISHING: set[int] = set()  # followed jobs whose ``finishing`` is shown: their result comes next tick
FOLLOW_STEP = 0.5

# What an operator's poll says when it refuses (Blender shows it in the tooltip and a script's error)
WAIT_FOR_RUN = "wait for the running generation to end (or cancel it)"
CHOOSE_BOTH = "choose both characters (A and B)"
NO_SCENE = "open a scene first"
# Why Generate waits for a running install or download (under its button or carried on after another
# file was opened): one whole sentence per job, naming the Cancel that stops it wherever it runs (Esc
# reaches only the window it was started from); under 200 characters (bpy's poll error cuts there)
WAIT_FOR_SETUP = {
    "deps": "an install is running (a generation could load half-installed packages); wait for it to end "
    "or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences)",
    "download": "a download is running; wait for it to end or cancel it (Cancel under its progress in the "
    "3D Viewport's DualTalk panel or the add-on's preferences)",
}


# Why a button that writes the status line waits for a running Export FBX (its Blender of its own
# writes the line each tick: both would write it by turns, and the panel would jump between them)
FBX_RUNNING = "an FBX export is running; wait for it to end or press Esc to cancel it"
# Why Export FBX waits for a running install (the words of WAIT_FOR_SETUP without Generate's reason)
EXPORT_WAITS_FOR_INSTALL = (
    "an install is running; wait for it to end or cancel it (Cancel under its progress in the 3D "
    "Viewport's DualTalk panel or the add-on's preferences)"
)


def poll_free(cls, context, *, scene: bool = True) -> bool:
    """The poll of an operator that may not run beside a generation or an FBX export, whose progress
    is the one status line it would write too (or, ``scene``, without a scene), saying why when it
    refuses (review rv38g 2)."""
    if scene and context.scene is None:
        cls.poll_message_set(NO_SCENE)
        return False
    if generation_running():
        cls.poll_message_set(WAIT_FOR_RUN)
        return False
    if running_jobs((fbx_job.TASK,)):
        cls.poll_message_set(FBX_RUNNING)
        return False
    return True


def poll_generation(cls, context) -> bool:
    """The poll of Generate and Re-generate: :func:`poll_free`, and no install or download running
    (:func:`running_jobs`: the worker would import a half-installed torch; both jobs would write the
    one status, so the panel would draw their Cancels by turns in one place), saying why when it refuses."""
    if not poll_free(cls, context):
        return False
    setup = running_jobs(SETUP_TASKS)
    if setup:
        cls.poll_message_set(WAIT_FOR_SETUP.get(getattr(setup[0], "task", ""), WAIT_FOR_SETUP["deps"]))
        return False
    return True


def poll_export(cls, context) -> bool:
    """The poll of Export FBX from the panel: no generation, install, download or other export runs
    (each writes the one status line the export's progress is drawn from), saying why when it refuses."""
    if not poll_free(cls, context):
        return False
    setup = running_jobs(SETUP_TASKS)
    if setup:
        task = getattr(setup[0], "task", "")
        cls.poll_message_set(WAIT_FOR_SETUP["download"] if task == "download" else EXPORT_WAITS_FOR_INSTALL)
        return False
    return True


# A job's task as a line names it ("installing dependencies cancelled", not the internal "deps")
_TASK_WORDS = {"generate": "generation", **{task: words.line for task, words in SETUP_WORDS.items()}}


def task_words(task: str) -> str:
    """``task`` (a job's internal name) as the status line says it."""
    return _TASK_WORDS.get(task, task or "the job")


def job_ended(job: Job, outcome: Outcome) -> Outcome:
    """``job``'s own end-of-job work, run whether it ends under its operator or followed after
    another file was opened: ``job.ended`` (set by the operator that started it: a cache to forget,
    a preference to fill in, the line's words) on the outcome of ``result()``; else the outcome as is."""
    ended = getattr(job, "ended", None)
    return ended(outcome) if callable(ended) else outcome


def busy_with(status) -> tuple[str, bool] | None:
    """(task, followed) of the job that keeps another one from starting, None when none runs: the
    status's task, or, before the opened file's status shows it again, a job still running;
    ``followed``: it carries on after another file was opened, with no operator (no Esc)."""
    followed = [getattr(job, "task", "") for job in _FOLLOWED]
    live = [getattr(job, "task", "") for job, _timer in _LIVE.values()]
    if status.running:
        task = status.task
    elif followed or live:
        task = (followed or live)[0]
    else:
        return None
    return task, task in followed and task not in live


def running_jobs(tasks: tuple[str, ...]) -> list[Job]:
    """The jobs of ``tasks`` still running, under their button or followed after a file load."""
    jobs = [job for job, _timer in _LIVE.values()] + list(_FOLLOWED)
    return [
        job for job in jobs if getattr(job, "task", "") in tasks and getattr(job, "state", "") == "running"
    ]


def finishing(job: Job) -> str | None:
    """What the ended ``job``'s ``result()`` does on the UI thread that takes a while (keying a
    take), to show before it blocks; None when it only reports. The modal then runs it in steps
    (:meth:`JobOperator._finish_step`), hearing Esc between them."""
    said = getattr(job, "finishing", None)
    return said if isinstance(said, str) and said else None


def follow_after_close(job: Job) -> None:
    """Keep polling ``job`` after its operator ended, from a persistent timer. Its first tick comes
    as soon as the file load that ended the operator is done: the opened file's status (a new window
    manager's) shows the job again at once, not a free Install or Download button."""
    if not _FOLLOWED:
        atexit.unregister(stop_followed_jobs)  # once, however many runs were followed
        atexit.register(stop_followed_jobs)  # Blender quits: the worker (or pip) must not outlive it
        if not bpy.app.timers.is_registered(poll_followed):
            bpy.app.timers.register(poll_followed, first_interval=0.0, persistent=True)
    _FOLLOWED.append(job)


def poll_followed() -> float | None:
    """The timer: end every followed job that has stopped (its outcome printed and put in the status
    line); returns the next interval, or None when none is left."""
    for job in list(_FOLLOWED):
        try:
            if id(job) not in _FINISHING:
                running = job.poll()
                fraction, message = job.progress
                if running or finishing(job):  # a blocking finish is said first, done next tick
                    with contextlib.suppress(AttributeError, ReferenceError, RuntimeError):
                        state.set_status(
                            bpy.context, running=True, task=job.task, fraction=fraction, message=message
                        )
                    if not running:
                        _FINISHING.add(id(job))
                    continue
            _FINISHING.discard(id(job))
            _FOLLOWED.remove(job)
            outcome = job_ended(job, job.result())
            message, warnings = in_panel_words(outcome.message), outcome.warnings
        except Exception as exc:  # one broken job must not stop the timer for the others
            _FINISHING.discard(id(job))
            with contextlib.suppress(ValueError):
                _FOLLOWED.remove(job)
            message, warnings = stop_broken_job(job, job.task, exc), ()
        print(message)
        for warning in dict.fromkeys(warnings):  # no operator left to report to: printed under the line
            print(in_panel_words(f"DualTalk: {warning}"))
        with contextlib.suppress(AttributeError, ReferenceError, RuntimeError):
            state.set_status(bpy.context, running=False, fraction=0.0, last=message)
    return FOLLOW_STEP if _FOLLOWED else None


def stop_broken_job(job: Job, task: str, exc: Exception) -> str:
    """A job that raised while polled (a bug, junk its process printed) is stopped and cleaned up
    as a cancel would (no worker or pip left running, no temp folder), so the UI is usable again;
    returns the one line that says so (the traceback goes to the console)."""
    import traceback

    traceback.print_exception(exc)
    _LIVE.pop(id(job), None)
    for step in (job.cancel, job.result):  # result(): the job's clean-up (Generate's temp folder)
        try:
            step()
        except Exception:
            traceback.print_exc()
    return internal_error_line(task_words(task), exc)


def report_failure(op: bpy.types.Operator, context: bpy.types.Context, message: str) -> set[str]:
    """An operator that ran and failed: ``message`` in the status line (never the last success's)
    and in Blender's report, in the panel's words (:func:`in_panel_words`); the operator's CANCELLED."""
    message = in_panel_words(message)
    state.set_status(context, running=False, last=message)
    op.report({"ERROR"}, message)
    return {"CANCELLED"}


def internal_error_line(task: str, exc: BaseException, *, last_line: bool = False, also: str = "") -> str:
    """The one line for a bug that stopped ``task`` (the caller prints the traceback to the console):
    the exception's type and its first line (``last_line``: its last, where an operator's error ends
    with the message), then ``also`` after "details in the system console"."""
    lines = str(exc).strip().splitlines() or [""]
    text = lines[-1 if last_line else 0][:150]
    return (
        f"DualTalk: {task} stopped by an internal error "
        f"({type(exc).__name__}{': ' + text if text else ''}); details in the system console{also}"
    )


def _stop(job: Job, *, end: bool = False) -> Outcome | Exception:
    """Cancel ``job`` and run its clean-up (``result()``: the Generate run removes its temp folder)
    and, with ``end``, its own end-of-job work (:func:`job_ended`); its outcome, or what a broken job
    raised (printed: it must not keep the others running)."""
    try:
        job.cancel()
        outcome = job.result()
        return job_ended(job, outcome) if end else outcome
    except Exception as exc:
        import traceback

        traceback.print_exc()
        return exc


def _unfollow() -> None:
    """The follow timer off and no job's end pending: what stopping the followed jobs starts with."""
    with contextlib.suppress(ValueError, RuntimeError):
        bpy.app.timers.unregister(poll_followed)
    _FINISHING.clear()


def stop_followed_jobs() -> None:
    """Cancel the followed jobs (Blender quits, the add-on is disabled): no orphan worker."""
    _unfollow()
    while _FOLLOWED:
        _stop(_FOLLOWED.pop())


def stop_live_jobs(also: tuple[Job, ...] = ()) -> list[tuple[Job, Outcome | Exception]]:
    """Stop every job still running (the add-on is being disabled): those followed after a file
    load, those under an operator, and ``also`` (a generation a script started), each once:
    cancelled, cleaned up and its own end-of-job work run (:func:`job_ended`: a download that had
    just ended still fills in its map), its window timer removed; no orphan pip or worker. What
    each ended with."""
    _unfollow()
    jobs, timers = list(_FOLLOWED), []
    _FOLLOWED.clear()
    while _LIVE:
        _key, (job, timer) = _LIVE.popitem()
        jobs.append(job)
        timers.append(timer)
    ended = [(job, _stop(job, end=True)) for job in {id(job): job for job in (*jobs, *also)}.values()]
    wm = getattr(bpy.context, "window_manager", None)
    for timer in timers:
        if timer is not None and wm is not None:
            with contextlib.suppress(ReferenceError, RuntimeError, AttributeError):
                wm.event_timer_remove(timer)
    return ended


class JobOperator(bpy.types.Operator):
    """Base class: subclasses say how to :meth:`begin` a job and may add to its :meth:`finished`."""

    task = ""
    _timer = None  # the window timer of an interactive run
    _finishing = False  # the job ended and its blocking finish was shown: result() on the next tick
    interactive = False  # started from a button in a window (modal), not by a script's call

    def begin(self, context) -> Job:
        """Build and start the job (raise DualTalkError with one line to refuse)."""
        raise NotImplementedError

    def finished(self, context, outcome: Outcome) -> Outcome:
        """The job ended: side effects of success, and the final message (default: the job's own
        end, :func:`job_ended`, which a job followed after a file load gets too)."""
        return job_ended(self._job, outcome)

    @classmethod
    def unregister(cls) -> None:
        """Blender calls this when the add-on is disabled."""
        stop_live_jobs()

    def _start(self, context) -> bool:
        try:
            self._job = self.begin(context)
        except DualTalkError as exc:
            return self._refused(context, f"DualTalk: {exc}")
        except OSError as exc:  # no room or no permission for the job's files: one line, no traceback
            return self._refused(context, f"DualTalk: could not start {self.task or 'the job'}: {exc}")
        _LIVE[id(self._job)] = (self._job, None)
        for warning in getattr(self._job, "warnings_at_start", ()):  # said now; the end line says it again
            self.report({"WARNING"}, in_panel_words(f"DualTalk: {warning}"))
        return True

    def _refused(self, context, message: str) -> bool:
        """The job did not start: the status line says so, never the last run's success; another
        job still running keeps its progress (a ``begin`` that said "running" before it failed does not)."""
        message = in_panel_words(message)  # the engine names flags; the panel has fields
        status = context.window_manager.dualtalk_status
        state.set_status(
            context,
            running=status.running and bool(_LIVE or _FOLLOWED),
            task=status.task,
            fraction=status.fraction,
            message=status.message,
            last=message,
        )
        self.report({"ERROR"}, message)
        return False

    def execute(self, context):
        if not self._start(context):
            return {"CANCELLED"}
        try:
            timed_out = state.wait(self._job)
        except Exception as exc:
            return self._failed(context, exc)
        except BaseException:  # Ctrl-C / SIGINT while a script waits: stop the job, then let it through
            self._interrupted(context)
            raise
        if timed_out:
            return self._timed_out(context)
        self._say_finishing(context)
        return self._end(context)

    def invoke(self, context, event):
        if state.headless() or context.window is None:
            return self.execute(context)
        self.interactive = True
        if not self._start(context):
            return {"CANCELLED"}
        wm = context.window_manager
        self._timer = wm.event_timer_add(state.TIMER_STEP, window=context.window)
        _LIVE[id(self._job)] = (self._job, self._timer)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        if event.type not in ("ESC", "TIMER"):
            # while a take is keyed in steps Blender redraws between them, but nothing may change the
            # scene the next step keys (an undo, a deleted character, another file): input waits
            return {"RUNNING_MODAL"} if getattr(self, "_finishing", False) else {"PASS_THROUGH"}
        if getattr(self, "_finishing", False):  # "keying the take…" has been drawn: now key it
            return self._finish_step(context, event)
        try:
            if event.type == "ESC":
                self._job.cancel()
            running = self._job.poll()
            fraction, message = self._job.progress
        except Exception as exc:
            return self._failed(context, exc)
        state.set_status(context, running=True, task=self.task, fraction=fraction, message=message)
        if running:
            return {"RUNNING_MODAL"}
        if finishing(self._job):
            # result() blocks the UI (keying a take): the status says so first, Blender redraws,
            # and the next timer tick runs it
            self._finishing = True
            return {"RUNNING_MODAL"}
        context.window_manager.event_timer_remove(self._timer)
        return self._end(context)

    def _finish_step(self, context, event) -> set[str]:
        """A tick of the job's blocking finish (a Generate keying its take): each TIMER runs its next
        step (``advance``: True while more is left), and the modal returns between them, so Blender
        redraws and delivers an Esc pressed while it was busy; Esc asks the job to stop
        (``cancel_keying``: the take not keyed, or taken off again) and ends it. A job without steps
        ends on the next tick, as before."""
        if event.type == "ESC":
            stop = getattr(self._job, "cancel_keying", None)
            if not callable(stop):
                return {"RUNNING_MODAL"}  # a finish that cannot be stopped: it ends on the next tick
            stop()
        else:
            advance = getattr(self._job, "advance", None)
            try:
                more = bool(advance()) if callable(advance) else False
            except Exception as exc:
                return self._failed(context, exc)
            if more:
                fraction, message = self._job.progress
                state.set_status(context, running=True, task=self.task, fraction=fraction, message=message)
                return {"RUNNING_MODAL"}
        context.window_manager.event_timer_remove(self._timer)
        return self._end(context)

    def _say_finishing(self, context) -> None:
        """Background mode: the status names the blocking finish too (no redraw to wait for)."""
        said = finishing(self._job)
        if said:
            fraction, _message = self._job.progress
            state.set_status(context, running=True, task=self.task, fraction=fraction, message=said)

    def cancel(self, context):
        """Blender ends the modal run (another file opened, quit). A job that ``outlives_file`` (a
        generation, an install, a download) carries on from a timer and ends as it would here (a
        generation keeps its take); another is stopped and changes nothing."""
        _LIVE.pop(id(self._job), None)
        if getattr(self._job, "outlives_file", False):
            with contextlib.suppress(ReferenceError, RuntimeError, AttributeError, TypeError):
                context.window_manager.event_timer_remove(self._timer)
            follow_after_close(self._job)
            return
        self._job.cancel()
        self._job.result()  # lets the job clean up (the Generate run removes its temp folder)
        try:
            context.window_manager.event_timer_remove(self._timer)
            state.set_status(context, running=False, last=f"DualTalk: {task_words(self.task)} cancelled")
        except (ReferenceError, RuntimeError, AttributeError):
            pass

    def _failed(self, context, exc: Exception) -> set[str]:
        """The job raised while polled: stopped and cleaned up, one line, the buttons usable again."""
        message = stop_broken_job(self._job, self.task, exc)
        if self._timer is not None:
            with contextlib.suppress(ReferenceError, RuntimeError, AttributeError):
                context.window_manager.event_timer_remove(self._timer)
        state.set_status(context, running=False, fraction=0.0, last=message)
        self.report({"ERROR"}, message)
        return {"CANCELLED"}

    def _interrupted(self, context) -> None:
        """A background-mode wait interrupted (KeyboardInterrupt): the job is cancelled and cleaned up
        as Cancel would (no worker left, no temp folder, the add-on no longer "running"), so the
        script that catches the interrupt can press Generate again."""
        import traceback

        _LIVE.pop(id(self._job), None)
        message = f"DualTalk: {task_words(self.task)} interrupted; the scene was not changed"
        for step in (self._job.cancel, self._job.result):  # result(): the clean-up (temp folder)
            try:
                step()
            except Exception:
                traceback.print_exc()
        with contextlib.suppress(ReferenceError, RuntimeError, AttributeError):
            state.set_status(context, running=False, fraction=0.0, last=message)

    def _timed_out(self, context) -> set[str]:
        """A background-mode job stopped for taking too long: said so, not "cancelled"."""
        _LIVE.pop(id(self._job), None)
        self._job.result()  # lets the job clean up (the Generate run removes its temp folder)
        minutes = state.HEADLESS_TIMEOUT_S / 60
        message = (
            f"DualTalk: {task_words(self.task)} gave no result in {minutes:g} min and was stopped; "
            "nothing was changed"
        )
        state.set_status(context, running=False, fraction=0.0, last=message)
        self.report({"ERROR"}, message)
        return {"CANCELLED"}

    def _end(self, context) -> set[str]:
        _LIVE.pop(id(self._job), None)
        outcome = self.finished(context, self._job.result())
        message = in_panel_words(outcome.message)
        state.set_status(context, running=False, fraction=1.0 if outcome.ok else 0.0, last=message)
        if outcome.ok:
            self.report({"INFO"}, message)
            say_warnings(self, outcome.warnings)  # the line shows the first: each is read in the Info editor
            return {"FINISHED"}
        cancelled = outcome.cancelled or "cancelled" in message
        self.report({"WARNING" if cancelled else "ERROR"}, message)
        return {"CANCELLED"}
