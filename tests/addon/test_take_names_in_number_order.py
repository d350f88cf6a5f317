"""An animator names takes take1, take2 ... take10, take11: the panel lists them in that order, and
Remove Take of take11 plays take10 again, the take before it (review rv35c F6: take9, the name that
sorts last as text)."""

from __future__ import annotations

from dualtalk.dualtalk_blender.addon.file_takes import take_order


def test_numbered_takes_are_listed_as_numbers_count():
    names = ["take10", "take9", "take11", "Take2", "v1.10", "v1.9", "final", "take"]
    assert sorted(names, key=take_order) == [
        "final", "take", "Take2", "take9", "take10", "take11", "v1.9", "v1.10",
    ]  # fmt: skip
