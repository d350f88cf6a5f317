"""All scene logic: characters, retargeting, keying, FBX export, headless batch.

Reads engine output only through motion files (:mod:`dualtalk.inference.core.motion`).
"""
