"""A farm pre-empts a batch worker with SIGTERM while it opens a shot's .blend. Loading runs Python
handlers, and Blender printed and swallowed the interrupt raised inside one, so the batch carried on
and reported success. Now the signal is held while the file loads and arrives right after it."""

from __future__ import annotations

import os
import signal

import bpy
import pytest
from dualtalk.dualtalk_blender.scene.blendio import open_blend
from dualtalk.inference.core import interrupts


def test_a_sigterm_while_a_blend_loads_stops_the_run_once_it_is_open(tmp_path):
    shot = tmp_path / "shot.blend"
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))

    @bpy.app.handlers.persistent
    def farm_preempts(*_args):  # the signal lands while Blender runs a load handler
        os.kill(os.getpid(), signal.SIGTERM)

    bpy.app.handlers.load_post.append(farm_preempts)
    try:
        with interrupts.handle_signals(), pytest.raises(interrupts.Terminated):
            open_blend(bpy, shot)
        assert bpy.data.filepath == str(shot)  # the file was opened whole before the run stopped
    finally:
        bpy.app.handlers.load_post.remove(farm_preempts)


def test_a_sigterm_while_a_damaged_blend_fails_to_load_still_stops_the_run(tmp_path):
    """The file Blender cannot read fails the shot; the signal that came while it tried must not be
    dropped with that failure, or the batch would move on to the next shot."""
    broken = tmp_path / "broken.blend"
    broken.write_bytes(b"BLENDER-v500" + b"\x00" * 64)

    @bpy.app.handlers.persistent
    def farm_preempts(*_args):
        os.kill(os.getpid(), signal.SIGTERM)

    bpy.app.handlers.load_pre.append(farm_preempts)
    try:
        with interrupts.handle_signals(), pytest.raises(interrupts.Terminated):
            open_blend(bpy, broken)
    finally:
        bpy.app.handlers.load_pre.remove(farm_preempts)
