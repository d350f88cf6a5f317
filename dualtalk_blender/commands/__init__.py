"""Headless commands (``animate`` and its shot/job files): argparse -> engine -> scene."""
