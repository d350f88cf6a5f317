"""Another tool writes A's motion with ``fps`` as a float32 and B's as a float64, both 29.97. Before,
the pair check compared the two exactly and refused them with "A is at 29.97 fps but B at 29.97 fps"
(review rv41d F5): a farm could not key the take and the line showed no difference. Now rates within
a hundred-thousandth of each other are one rate, and two rates that are refused are written with the
digits that tell them apart."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import check_one_rate, load_motion
from dualtalk.inference.core.timebase import rates_shown, same_rate


def _saved(tmp_path, name: str, fps: object):
    path = tmp_path / f"{name}.npz"
    values = np.zeros((60, len(ARKIT55)), np.float32)
    np.savez(path, space="arkit55", channels=np.array(ARKIT55), values=values, fps=fps, role=name)
    return load_motion(path)


def test_a_float32_rate_beside_the_same_rate_as_a_float64_is_one_rate(tmp_path):
    a, b = _saved(tmp_path, "A", np.float32(29.97)), _saved(tmp_path, "B", np.float64(29.97))
    assert a.fps != b.fps  # 29.969999313354492 beside 29.97
    check_one_rate(a, b)  # before: refused


def test_ntsc_written_two_ways_is_one_rate_but_29_97_beside_30_is_two():
    assert same_rate(29.97, 30000 / 1001) and same_rate(23.976, 24000 / 1001)
    assert not same_rate(29.97, 30.0) and not same_rate(59.94, 60.0) and not same_rate(24.0, 25.0)


def test_two_rates_refused_never_read_the_same(tmp_path):
    a, b = _saved(tmp_path, "A", 29.97), _saved(tmp_path, "B", 29.9704)
    with pytest.raises(DualTalkError, match=r"^A is at 29.97 fps but B at 29.9704 fps: "):
        check_one_rate(a, b)
    for pair in ((29.97, 29.9704), (100.0004, 100.0015), (24.0, 60.0), (59.94, 60.0)):
        shown = rates_shown(*pair)
        assert shown[0] != shown[1] and float(shown[0]) == pytest.approx(pair[0], rel=1e-5)
    assert rates_shown(24.0, 60.0) == ("24", "60")
