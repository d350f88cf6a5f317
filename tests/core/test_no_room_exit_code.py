"""A farm's night: an output that finds its disk (or quota) full exited 2, the code for bad input,
and the wrapper dropped a good take instead of retrying it (review rv42b F7). Now every command
exits 74 (EX_IOERR) for it, decided once in ``DualTalkError``; bad input stays 2, busy 75."""

from __future__ import annotations

import errno

from dualtalk.cli import main
from dualtalk.inference.core.errors import CancelledError, DualTalkError
from dualtalk.inference.core.locks import LockHeld


def _refused_while(exc: OSError) -> DualTalkError:
    """The error a writer raises for ``exc``, as they do: one line, ``from None``."""
    try:
        try:
            raise exc
        except OSError as why:
            raise DualTalkError(f"could not write take/A.npz: {why.strerror}") from None
    except DualTalkError as refused:
        return refused


def test_no_room_is_74_and_everything_else_keeps_its_code(monkeypatch, capsys):
    assert _refused_while(OSError(errno.ENOSPC, "No space left on device")).exit_code == 74
    # a quota, in words this platform may spell otherwise: the errno decides
    assert _refused_while(OSError(errno.EDQUOT, "Quota hit")).exit_code == 74
    assert DualTalkError("could not write x.fbx: No space left on device").exit_code == 74  # Blender's words
    assert _refused_while(OSError(errno.EACCES, "Permission denied")).exit_code == 2
    assert DualTalkError("trunc.wav is not a readable audio file").exit_code == 2
    assert LockHeld("another DualTalk run is writing take; No space left on device").exit_code == 75
    assert CancelledError("cancelled").exit_code == 130

    # an OSError no writer wrapped reaches the command line: one line, 74, not an internal error
    from dualtalk.inference import cmd_infer

    def disk_full(args):
        raise OSError(errno.ENOSPC, "No space left on device", "take/B.npz")

    monkeypatch.setattr(cmd_infer, "run", disk_full)
    capsys.readouterr()
    assert main(["infer", "--audio", "x.wav", "--out", "take"]) == 74
    assert capsys.readouterr().err.splitlines() == [
        "error: could not write take/B.npz: No space left on device"
    ]
