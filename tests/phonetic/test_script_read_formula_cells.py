"""A script line that opens like a spreadsheet formula (``- Well, maybe.``, a subtitle's dialogue
dash; ``=maybe``; ``+1``; ``@Sam``) is kept in ``script_read.tsv`` exactly as typed.

Two people read the file: a TD's pipeline reads it back (csv, pandas) and compares ``typed`` with
the script, and a producer opens it in a spreadsheet, which may take such a cell for a formula
(check42's aside to review rv42b F3). Escaping the cell (a leading ``'``) would change what every
pipeline reads without a word, so the cells stay as typed and docs/scripting.md says how to open the
file as text in a spreadsheet. This story guards that choice: the pipeline's read is the script."""

from __future__ import annotations

import csv
import io

from dualtalk.inference.phonetic import script_reading as sr
from dualtalk.inference.phonetic import transcript as tr

OPENS_LIKE_A_FORMULA = ("- Well, maybe.", "=maybe so.", "+1 for that.", "@Sam, come here.", "-- Wait.")


def test_a_line_that_opens_like_a_formula_is_read_back_as_typed():
    lines = [tr.Line(k + 1, "AB"[k % 2], text) for k, text in enumerate(OPENS_LIKE_A_FORMULA)]
    text = sr.as_tsv(sr.read_lines(lines, "en"))
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    assert [r["typed"] for r in rows] == list(OPENS_LIKE_A_FORMULA)  # not '- Well, ... or "=..."
    assert [r["said"] for r in rows] == ["well maybe", "maybe so", "one for that", "sam come here", "wait"]
    # written bare, as typed: a reader that splits at tabs gets the same cells as the csv module
    assert [line.split("\t")[3] for line in text.splitlines()[1:]] == list(OPENS_LIKE_A_FORMULA)
