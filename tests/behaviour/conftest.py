"""Fixtures for the behaviour tests (the takes themselves are built in :mod:`behaviour_takes`)."""

from __future__ import annotations

from behaviour_takes import ami_dialogues, ami_takes, demo_dialogue

__all__ = ["ami_dialogues", "ami_takes", "demo_dialogue"]
