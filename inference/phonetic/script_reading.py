"""What each line of a typed script was read as, so the writer can check it before trusting the lips.

The aligners never see the script as typed: an English line is spelled into the words the
pocketsphinx dictionary knows ("12/10" -> "twelve ten"), any other language is rewritten by its
written-form rules and read by espeak-ng ("12/10/2026" in Spanish, "¥1,500" in Japanese), and a line
in Latin letters among a Russian or Korean character's lines is read in the language it looks like.
A reading gone wrong still "aligns": the result line says every word was, and nothing shows the
words drawn were not the ones said (review rv41c F4). So each run with ``--transcript`` writes
:data:`FILE_NAME` in the take folder, one row per script line (the line as typed, the language it
was read in, the words as said, whether and where it was drawn), and ``infer --show-reading`` shows
the same rows without audio or the model.

The words are made by the very functions the aligners use (``align.normalise_words`` for English,
``script_warp``'s reading for the rest), so the file cannot say one thing while the run did another.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import DualTalkError
from . import directions
from .transcript import Line

FILE_NAME = "script_read.tsv"  # in the take folder, beside A.npz and B.npz
COLUMNS = ("line", "speaker", "language", "typed", "said", "aligned", "start_s", "end_s", "note")
HEADER = "\t".join(COLUMNS)
log = logging.getLogger("dualtalk.transcript")


@dataclass(frozen=True)
class LineRead:
    """One script line as read: ``said`` is what the aligner was given ("" when nothing of it is
    said: only stage directions, or a writing the language's reader cannot read, said in ``note``);
    ``aligned`` is "drawn", "refused" or "not aligned" after a run, "" before one; ``start``/``end``
    the drawn line's words in seconds of the recording."""

    number: int
    speaker: str
    language: str
    typed: str
    said: str
    aligned: str = ""
    start: float | None = None
    end: float | None = None
    note: str = ""


def read_line(
    text: str, language: str, tagged: str | None = None, warp: bool | None = None
) -> tuple[str, str, str]:
    """(language read in, words as said, note) for one line of a character whose script is in
    ``language``: what the aligner that places it is handed (:func:`.transcript.uses_warp`; ``warp``:
    the character's aligner where the caller knows it, :func:`.transcript.warped`). ``tagged``: the
    language the line's speaker tag gives it (``A (fr):``), which it is read in, said in the note."""
    from .script_languages import is_english, normalise
    from .transcript import uses_warp

    code = normalise(tagged or language)
    # en-gb on an English character's line is English
    apart = code != normalise(language) and not (is_english(code) and is_english(language))
    told = f"tagged {code}" + (f", not {normalise(language)}" if apart else "")
    if not directions.dropped(text).strip():
        return code, "", "only stage directions: not said"
    if not (uses_warp(tagged or language) if warp is None else warp):
        from .align import normalise_words

        said, dropped = normalise_words(text)
        note = f"left out, not in English letters: {', '.join(dropped)}" if dropped else ""
        return code, said, "; ".join(n for n in (told if tagged else "", note) if n)
    from . import line_language, script_warp
    from .script_languages import espeak_voice

    why = script_warp.foreign_writing(text, tagged or language)
    if why:
        return code, "", f"not read: {why}" + (f" ({told})" if tagged else "")
    # a Latin line among a Russian character's lines, untagged: the language its letters show
    other = None if tagged else line_language.reading(text, language)
    voice = line_language.voice(text, language, tagged) or espeak_voice(language)
    said = " ".join(script_warp.spoken_line(text, voice).split())
    if tagged:
        return code, said, told
    if other is None:
        return code, said, ""
    signs = f" ({other.signs})" if other.signs else ""
    return other.code, said, f"guessed from its Latin letters: read in {other.code}{signs}, not {code}"


def read_lines(
    lines: Sequence[Line],
    language: str,
    language_b: str | None = None,
    names: tuple[str, str] = ("A", "B"),
    characters: tuple[str | None, str | None] | None = None,
    report: dict[str, Any] | None = None,
) -> list[LineRead]:
    """Every line of a script as read, in file order: A's lines in ``language``, B's in
    ``language_b`` (A's when None); a line whose speaker tag is neither A's nor B's (a name only a
    turns file gives) is read in A's. ``report``, a run's transcript report
    (:func:`.transcript.apply_transcript`), adds whether and where each line was drawn."""
    from .transcript import _tag, lines_by_speaker, warped

    try:
        sides = lines_by_speaker(list(lines), names, "transcript", characters)
        side_of = {line.number: key for key, mine in zip("ab", sides, strict=True) for line in mine}
        meant = {line.number: line for mine in sides for line in mine}  # tags decided against the names
        lines = [meant.get(line.number, line) for line in lines]
    except DualTalkError:  # an unknown tag: shown as typed, read in A's language
        side_of = {line.number: "b" for line in lines if _tag(line.speaker) in ("b", _tag(names[1]))}
    own_of = {"a": language, "b": language_b or language}
    # each character's aligner, as the run picks it (a line tagged in another language warps them all)
    warp = {
        side: warped([line for line in lines if side_of.get(line.number, "a") == side], own)
        for side, own in own_of.items()
    }
    rows = []
    for line in lines:
        side = side_of.get(line.number, "a")
        code, said, note = read_line(line.text, own_of[side], line.language, warp[side])
        row = LineRead(line.number, side.upper(), code, line.text, said, note=note)
        if report is not None:
            row = _with_outcome(row, (report.get(side) or {}) if isinstance(report, dict) else {})
        rows.append(row)
    return rows


def _with_outcome(row: LineRead, rep: dict[str, Any]) -> LineRead:
    """``row`` with what the run did with its line, from the character's report."""
    import dataclasses

    if rep.get("error"):
        why = str(rep["error"])
        return dataclasses.replace(row, aligned="not aligned", note=_joined(row.note, why))
    at = {entry[0]: entry[1:] for entry in rep.get("lines_at") or () if len(entry) == 3}
    if row.number in at:
        start, end = at[row.number]
        return dataclasses.replace(row, aligned="drawn", start=float(start), end=float(end))
    if row.number in (rep.get("lines_drawn") or ()):
        return dataclasses.replace(row, aligned="drawn")
    for refused in rep.get("lines_refused") or ():
        if isinstance(refused, dict) and refused.get("line") == row.number:
            return dataclasses.replace(
                row, aligned="refused", note=_joined(row.note, str(refused.get("why")))
            )
    return row


def _joined(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _cell(value: object) -> str:
    """One TSV cell: a tab or line break typed in a line would start another cell or row."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return " ".join(str(value).replace("\t", " ").splitlines())


def as_tsv(rows: Sequence[LineRead]) -> str:
    """The rows as tab-separated text with a header row (:data:`COLUMNS`), quoted as the csv module,
    pandas and spreadsheets read TSV: a cell holding ``"`` is put in quotes with its own doubled
    (``A: "Wait, what?`` left bare swallowed the next line in those readers, review rv42b F3); the
    header row is written bare, as :func:`is_reading` knows it. A cell that opens like a spreadsheet
    formula (a subtitle's dialogue dash ``- Well``, ``=``, ``+``, ``@``) is written as typed: a TD's
    pipeline compares ``typed`` with the script, and a leading ``'`` would change what it reads
    without a word; docs/scripting.md says how to open the file as text in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for r in rows:
        cells = (r.number, r.speaker, r.language, r.typed, r.said, r.aligned, r.start, r.end, r.note)
        writer.writerow([_cell(c) for c in cells])
    return HEADER + "\n" + out.getvalue()


def shown(rows: Sequence[LineRead]) -> str:
    """The rows for a person: ``line 3, A, es: 12/10/2026 -> doce barra diez ...``."""
    out = []
    for r in rows:
        said = r.said if r.said else "(nothing said)"
        out.append(f"line {r.number}, {r.speaker}, {r.language}: {r.typed} -> {said}")
        if r.note:
            out.append(f"    {r.note}")
    return "\n".join(out)


def write(folder: str | os.PathLike[str], rows: Sequence[LineRead] | None) -> Path | None:
    """:data:`FILE_NAME` in the take ``folder`` with ``rows`` (UTF-8), or the file of an earlier run
    removed when there are none (a take made without a script must not show another take's reading).
    A file that cannot be written is a warning: the take itself is already written. The path, or None."""
    path = Path(folder) / FILE_NAME
    try:
        if not _ours(path):  # a file of the user's by that name: neither replaced nor removed
            log.warning("%s is not a script reading DualTalk wrote: left as it is", path)
            return None
        if rows is None:
            path.unlink(missing_ok=True)
            return None
        hidden = path.with_name(f".{FILE_NAME}.part")
        hidden.write_text(as_tsv(rows), encoding="utf-8", newline="\n")
        os.replace(hidden, path)
    except OSError as exc:
        log.warning("could not write %s: %s", path, exc.strerror or exc)
        return None
    return path


def _ours(path: Path) -> bool:
    """Whether ``path`` is absent or a file this module wrote (its header row), so that a run never
    replaces or removes a user's own file that happens to bear the name."""
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return is_reading(path)


def is_reading(path: Path) -> bool:
    """Whether ``path`` is a script reading DualTalk wrote: a regular file (not a link, nor a pipe it
    would wait on) that starts with this module's header row."""
    try:
        if path.is_symlink() or not path.is_file():
            return False
        with path.open("rb") as file:
            return file.read(len(HEADER) + 1) == (HEADER + "\n").encode("utf-8")
    except OSError:
        return False


def for_take(
    folder: str | os.PathLike[str],
    lines: Sequence[Line] | None,
    languages: tuple[str, str],
    names: tuple[str, str],
    characters: tuple[str | None, str | None] | None,
    report: dict[str, Any] | None,
) -> dict[str, bytes | None]:
    """The take's :data:`FILE_NAME`, for the writer that puts the take in ``folder`` (``generate.
    write_dialogue``'s ``also``): its script's lines as read (A's language, B's) with what the run drew
    (``report``), or None, an earlier take's file to remove, when this one had no typed script (none,
    or words recognised from the voices: ``report["script"]``). The file lands with A.npz and B.npz
    or not at all, so a signal or a full disk never leaves a take beside another take's reading
    (review rv42b F5). {} where a file of the user's bears the name (left as it is, said). Never
    fails the take: a reading that cannot be made is a warning, and the take goes without one."""
    path = Path(folder) / FILE_NAME
    if not _ours(path):  # a file of the user's by that name: neither replaced nor removed
        log.warning("%s is not a script reading DualTalk wrote: left as it is", path)
        return {}
    if lines is None or (report or {}).get("script") is not None:  # none typed (--recognise: heard)
        return {FILE_NAME: None}
    try:
        rows = read_lines(lines, languages[0], languages[1], names, characters, report)
    except DualTalkError as exc:
        log.warning("could not write %s: %s", path, exc)
        return {FILE_NAME: None}
    return {FILE_NAME: as_tsv(rows).encode("utf-8")}


def refusal(
    lines: Sequence[Line],
    language: str,
    language_b: str | None = None,
    names: tuple[str, str] = ("A", "B"),
    characters: tuple[str | None, str | None] | None = None,
    where: str = "transcript",
) -> str | None:
    """What a run refuses of this script from its text alone, in the run's words, so that ``infer
    --show-reading`` is the pre-flight it is offered as (review rv42b F2: a Spanish script given as
    English was shown as English and passed): a script given as English that does not look English
    (:func:`.transcript.not_english_script`), else a character's lines clearly in another language
    than theirs (:func:`.script_languages.wrong_language`, B's advice for B's own flag); None when
    the text passes. A tag that is neither A's nor B's raises the run's one line
    (:func:`.transcript.lines_by_speaker`). What needs the voices (too many words for the speech,
    lines that do not fit) is the run's to say."""
    from .script_languages import NOT_ENGLISH_ASK, wrong_language
    from .transcript import for_b, lines_by_speaker, not_english_script, uses_warp

    lines_a, lines_b = lines_by_speaker(list(lines), names, where, characters)
    own = {"A": language, "B": language_b or language}
    if not uses_warp(own["A"]) and not uses_warp(own["B"]):
        why, flag = not_english_script(lines_a, lines_b)
        if why:
            return f"{where} does not look English: {why}; {NOT_ENGLISH_ASK.format(flag=flag)}"
    wrong = {
        who: wrong_language([line.text for line in mine if not line.language], own[who])[0]
        for who, mine in (("A", lines_a), ("B", lines_b))
    }
    if wrong["B"] and (not wrong["A"] or own["A"] != own["B"]):  # B's alone: B's own flag (as the run)
        wrong["B"] = for_b(wrong["B"])
    refused = [f"{who}'s lines ({said})" for who, said in wrong.items() if said]
    return f"{where}: a run would not align {', nor '.join(refused)}" if refused else None
