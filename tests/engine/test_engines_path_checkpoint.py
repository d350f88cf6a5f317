"""A pathlib batch gives the checkpoint as a ``Path`` in one shot and as text in the next: one engine is
loaded for both (``Engines`` keys it by the file's path, whatever type names it). Before, ``Path`` and
``str`` were two keys and the weights were loaded twice (review rv38c, finding 6: Request's path fields
now take ``os.PathLike``)."""

from __future__ import annotations

from pathlib import Path

from dualtalk.inference import pipeline
from dualtalk.inference.core.request import Request

REPO = Path(__file__).resolve().parents[2]
LITE_WEIGHTS = REPO / "inference" / "models" / "lite" / "weights" / "lite_v3.pt"


def test_a_path_and_its_text_share_one_loaded_engine():
    engines = pipeline.Engines()
    first = engines.get(Request(checkpoint=LITE_WEIGHTS))
    again = engines.get(Request(checkpoint=str(LITE_WEIGHTS)))
    assert first is again and len(engines.cache) == 1
    assert first.name == "lite" and first.checkpoint == str(LITE_WEIGHTS)
