"""The ``demo`` command and its assets: Anny characters, demo scene and dialogue, previews."""
