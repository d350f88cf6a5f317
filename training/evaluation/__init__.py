"""Evaluation of the models against outside truth (not against our own renderer).

* :mod:`.lipsync` -- lips judged per phone class against true phone timings
  (``python -m dualtalk eval lipsync``), with a loudness lip-flap baseline.
* :mod:`.phone_classes` -- ARPAbet and IPA phone classes for those measures.
* :mod:`.behaviour` -- blinks, gaze, head motion, nods and frozen time against how real people
  behave (``python -m dualtalk eval behaviour``).
* :mod:`.cmd_diarize`, :mod:`.diarize_score`, :mod:`.diarize_synthetic` -- who speaks when in one
  mono mix (``python -m dualtalk eval diarize``): AMI-style RTTM truth or espeak-ng conversations
  with known overlap, beside a 1 s-window baseline and "one speaker".
"""
