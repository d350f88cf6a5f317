"""Re-generate Preview Range's status line says what is being done: the frames re-generated, not "keying the
take" (review rv34b F4). The line read "keying the take onto Alice and Bob: 52 % (the take put back: curve
48/112); Esc puts the take back as it was", as if the whole take were being replaced; a Generate's line is
unchanged."""

from __future__ import annotations

import addon_helpers as ah
from test_generate_keys_in_steps import status
from test_range_saved_or_deleted_between_steps import (  # noqa: F401  (the take's file, opened)
    Operator,
    scene,
    slow_keying,
    take,
    take_file,
)


def test_the_line_of_a_range_names_the_frames_it_re_generates(scene, take, slow_keying):  # noqa: F811
    run = ah.range_done(scene, 20, 30)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    assert status().message.startswith("re-generating frames 20-30 on Alice and Bob ("), status().message
    lines = []
    while op.tick() == {"RUNNING_MODAL"}:
        lines.append(status().message)
    assert lines and all(
        line.startswith("re-generating frames 20-30 on Alice and Bob: ") for line in lines[:-1]
    )
    assert any(line.endswith("; Esc puts the take back as it was") for line in lines), lines
    assert not any("keying the take" in line for line in lines), lines
    assert op.said[0][1].startswith("DualTalk: re-generated frames 20-30"), op.said
