"""A shot's outputs checked against the .blend libraries scenes link, before any work.

``animate --out props.blend`` on a scene that links its set from ``//props.blend`` replaced the
library with the animated shot: the input scene, and every other scene of the studio linking that
file, opened with their linked data missing; only ``props.blend1`` was left (review rv38b F2). The
guards of the input scene itself did not cover the files it links. A shot checks its own scene's
libraries at its turn, right after the scene opens (:func:`check_shot_libraries`); a job checks every
shot's outputs against the libraries of every scene it names before the first shot runs
(:func:`job_library_clashes`), read from each file's blocks without loading it
(:func:`..scene.blend_links.libraries_in`), so a later shot that would write over an earlier shot's
library fails before any shot runs, and the others run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from ..scene.blendio import linked_libraries, refuse_writing_library
from .jobs import Shot, fbx_files
from .shot_check import field_names


def _writes(shot: Shot, job: bool) -> list[tuple[str, Path]]:
    """The files a shot puts in place that a scene could link: its .blend and its FBX files."""
    f = field_names(job)
    return [(f["out"], shot.out), *((f["fbx"], p) for p in fbx_files(shot))]


def check_shot_libraries(bpy: Any, shot: Shot, job: bool = False) -> None:
    """Refuse the shot when one of its outputs is a library its scene (open now) links."""
    refuse_writing_library(linked_libraries(bpy), shot.blend.name, _writes(shot, job))


def job_library_clashes(
    libraries: dict[Path, list[str]], blend: Path, shots: list[Shot]
) -> list[tuple[Shot, DualTalkError]]:
    """Each shot of a job whose output is one of ``libraries``, those the scene ``blend`` links
    (:func:`~..scene.blendio.linked_libraries` of the open scene, or
    :func:`~..scene.blend_links.libraries_in` of its file), with its one-line refusal naming the
    shots that read that scene."""
    if not libraries:
        return []
    readers = [s.name for s in shots if s.blend == blend]
    scene = (
        f"{blend.name} (the scene of shot {', '.join(repr(n) for n in readers[:3])})"
        if readers
        else blend.name
    )
    found = []
    for shot in shots:
        try:
            refuse_writing_library(
                libraries, scene, _writes(shot, job=True), fix="give this shot another out"
            )
        except DualTalkError as exc:
            found.append((shot, exc))
    return found
