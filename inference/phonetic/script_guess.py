"""Which Latin-script language a script looks written in, from its letters and its commonest words.

espeak-ng reads any Latin-script text in any Latin-script voice, and the warp fits that reading to
the voice well enough to pass its bar: a French script read as Spanish drew every word (review
rv38a F1: F/V 0.953 -> 0.863 against no script; read as Mandarin, closure 100 % -> 77 %). A script
given as English that is Spanish was found only when a quarter of its words were unknown to the
English dictionary, which ``la, mi, pan, casa`` are not (F4). So a script is weighed here against
the panel's Latin-script languages by two cheap signs: letters few of them use (ñ, ß, ã, å, ł, ğ)
and a few dozen of each language's most frequent short words, each worth less the more languages
share it. A Mandarin script in Latin letters is pinyin: its words split into pinyin syllables.

Two strengths: :func:`looks_other` (strong; the caller refuses the script before drawing) and
:func:`likely_language` (the one language the evidence points to, to name in a refusal or a hint
that happened for another reason). Both say nothing when the evidence is thin or split.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# the panel's Latin-script languages (pt-br and pt share a profile; Mandarin is weighed as pinyin)
PROFILES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "sv", "tr")
# letters weighed, each shared by the languages listed: a letter of one language is worth 1
_LETTERS: dict[str, tuple[str, ...]] = {
    "ñ": ("es",), "¿": ("es",), "¡": ("es",),
    "œ": ("fr",), "û": ("fr",), "ÿ": ("fr",), "î": ("fr",), "ù": ("fr", "it"), "ë": ("fr", "nl"),
    "ï": ("fr", "nl"), "ç": ("fr", "pt", "tr"), "è": ("fr", "it"), "ê": ("fr", "pt"), "à": ("fr", "it", "pt"),
    "â": ("fr", "pt", "tr"), "ô": ("fr", "pt"),
    "ß": ("de",), "ä": ("de", "sv"), "ö": ("de", "sv", "tr"), "ü": ("de", "tr"),
    "ì": ("it",), "ò": ("it",),
    "ã": ("pt",), "õ": ("pt",),
    "ł": ("pl",), "ą": ("pl",), "ę": ("pl",), "ś": ("pl",), "ź": ("pl",), "ż": ("pl",), "ć": ("pl",),
    "ń": ("pl",),
    "å": ("sv",),
    "ğ": ("tr",), "ı": ("tr",), "ş": ("tr",),
}  # fmt: skip
# accented vowels several of them write (Spanish, Portuguese á í ó ú; Polish ó; French, Italian é):
# worth little alone, they tip a line its words already lean on
_SHARED_ACCENTS: dict[str, tuple[str, ...]] = {
    "á": ("es", "pt"), "í": ("es", "pt"), "ó": ("es", "pt", "pl"), "ú": ("es", "pt"),
    "é": ("fr", "es", "pt", "it"),
}  # fmt: skip
# spellings one or two of them use and English words do not, looked for in words written in lower
# case (a capitalised word may be a name: Krzysztof, Mijnheer, Schmidt in an English line); each
# counts once per text, as a letter does
_SPELLINGS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), codes)
    for pattern, codes in (
        (r"nh[aoã]s?$|lh[aoe]s?$", ("pt",)),  # minha, vinho, filho, olha, lhe
        (r"ción$|ciones$", ("es",)),  # canción, estaciones
        (r"^ll[aeiou]", ("es",)),  # llamar, llegar, lleva
        (r"zione$|zioni$|^gli$|cch[ie]", ("it",)),  # stazione, gli, occhi, vecchio
        (r"eaux?$|oi[sxt]?$", ("fr",)),  # beau, eaux, moi, trois, voit
        (r"(?<!t)chen$|lich$|keit$|^zw|^pf", ("de",)),  # machen, natürlich, Zeit, zwei, Pferd
        (r"sch", ("de", "nl")),  # schon, schip (English schedule: a half, alone)
        (r"ij", ("nl",)),  # mijn, vijf, bij, tijd
        (r"cz|sz|rz|dz|ść", ("pl",)),  # często, szkoła, przez, dzień
        (r"[ıiuü]yor|m[ae]k$", ("tr",)),  # geliyor, istiyorum, almak, gitmek
    )
)
# the inverted marks open a Spanish question or exclamation and nothing else: worth more than a letter
_SPANISH_MARKS = "¿¡"
_MARK_WEIGHT = 2.0
# Each language's most frequent short words (articles, pronouns, "and", "is", "not", greetings),
# chosen for this check: a word English also uses often (a, I, in, on, to, no, do, so, me, am, as,
# man, will, son, come) is left out of the others' lists, so an English line with a loan word does
# not tip. Single letters left by French and Italian elision (j', qu', l', c') count; those English
# contractions leave (d, s, m, t, ll) do not.
_WORDS: dict[str, str] = {
    "en": "the and you your that this with have has had what are were was of is my not but for just "
    "can they there will would could should know yes about from been when where why how it "
    "he she we our their them his her be did does don didn isn won okay right",
    "es": "el los las la que qué y es por para con una un pero muy está están estás del al yo tú sí "
    "hay esto eso esta este también ahora cómo dónde cuando porque mi tu su se lo le más bien "
    "gracias hola nada todo vamos tengo tiene estoy donde como aquí mañana hoy mucho muchas de "
    "en te ya ayer voy eres soy usted ustedes nosotros él ella",
    "fr": "le les la des et est une un je tu il elle nous vous ils elles pas avec pour dans qui ce "
    "très mais oui ça au aux du sur mon ma ton sa ses mes bien aussi être fait suis sont ai ont "
    "va rien merci bonjour alors comme quoi leur cette peu plus de en que se te y j qu l c n "
    "ne moi toi lui où toujours déjà",
    "de": "der die das und ist nicht ich du ein eine einen einem mit auf zu wir sie es auch noch aber "
    "ja nein sehr wie was den dem im von für sind bin hast hat haben kann mein meine dein heute "
    "jetzt schon gut danke hier wo warum oder dass mal nur gerne viel sich wird war doch immer "
    "bitte",
    "it": "il lo gli la le e è che non un una per con sono ma della del dei anche molto questo questa "
    "io ciao mi ti si ci tu sei ho hai cosa bene grazie perché più qui oggi domani nel nella "
    "alla al dal sul mio mia tuo suo siamo siete hanno fare tutto niente ancora dove quando "
    "allora l c",
    "pt": "o os e é que não um uma com para você eu muito mas está isso isto obrigado obrigada sim "
    "da dos das na nos ao em meu minha seu sua ele ela nós vocês tem são estou também aqui hoje "
    "amanhã bom boa mais já onde quando por porque de se te tu",
    "nl": "de het een en is niet ik je jij van met dat wat zijn ook maar heel wij hij zij goed dit "
    "deze die er naar voor nog al kan wil mijn jouw hebben heb heeft gaan gaat morgen vandaag "
    "dank ja nee hoe waar waarom bij uit om te ze zo",
    "pl": "w nie się jest na że z tak co jak ale ja ty dobrze bardzo mam masz jestem po od dla mój "
    "moja ten ta tego czy już tylko jeszcze dzisiaj jutro dziękuję cześć proszę gdzie kiedy "
    "bo są o",
    "sv": "och är det inte jag du en ett att med på som har vi men också mycket bra hej den för till "
    "av om kan ska var hur vad varför här där min mitt din nu bara nej ja tack idag han hon de "
    "sig",
    "tr": "ve bir bu ne da de çok için ben sen o evet hayır var yok mi mı mu gibi ama şimdi bugün "
    "yarın daha en her iyi teşekkürler merhaba nasıl neden nerede biz siz onlar değil ile "
    "kadar sonra",
}
_SHARED: dict[str, list[str]] = {}
for _code, _list in _WORDS.items():
    for _word in dict.fromkeys(_list.split()):
        _SHARED.setdefault(_word, []).append(_code)
# strong: refused before drawing. The guessed language needs this much evidence and this many times
# the chosen one's. Checked on every sentence of the held-out scripts (``heldout --scripts``: 14
# languages, 121 lines) and the English sets (72), each alone under its own tag, on 165 lines of
# everyday talk in 11 languages written for the check (lang39), and on 1478 English sentences of this
# project's docs (alone and as 370 four-line scripts) and the LJ Speech / LibriVox lines: none
# flagged. Each language's whole script under each other Latin-script tag: 90 of 90 caught; one line
# alone: 758 of 1332 (lang38: 3.0, 522 with its words and letters alone). At 2.25, 813 and still none
# flagged, but English lines of the docs stand at 2.0 ("per ... per"): at 2.0, 3 are.
STRONG_SCORE = 2.5
# a shared accented vowel (á, é) is worth this much, split among the languages that write it
SHARED_ACCENT_WEIGHT = 1.0
STRONG_RATIO = 2.0
# likely: named where something else refused the script; less evidence, still one clear leader
LIKELY_SCORE = 1.5
LIKELY_RATIO = 1.5
# a Mandarin script in Latin letters whose words are pinyin less often than this is not pinyin
PINYIN_SHARE = 0.5
_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Guess:
    """A language a script looks written in (a panel code: ``fr``, ``pt``) and what shows it
    (letters, then words as written in the script: ``["ç", "avec", "les"]``)."""

    code: str
    signs: tuple[str, ...]


def profile(language: str | None) -> str | None:
    """The profile weighed for a script given as ``language`` (``es-MX`` -> ``es``, ``pt-br`` ->
    ``pt``, ``en-gb`` -> ``en``; ``cmn``, ``zh`` -> ``cmn``), None when its language has none."""
    from .script_languages import panel_code

    code = panel_code(language)
    if code is None:
        return None
    if code == "cmn-latn-pinyin":
        return "cmn"
    base = code.split("-")[0]
    return base if base in PROFILES else None


def _scores(
    texts: list[str], letters: dict[str, tuple[str, ...]] | None = None, words: list[str] | None = None
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Each profile's score for ``texts`` and its signs (letters, then words, as seen); ``letters``
    and ``words``: only those weighed (a Mandarin script: the letters and words pinyin never writes)."""
    text = unicodedata.normalize("NFC", " ".join(texts)).lower()
    scores = dict.fromkeys(PROFILES, 0.0)
    signs: dict[str, list[str]] = {code: [] for code in PROFILES}
    for ch, codes in (_LETTERS if letters is None else letters).items():
        if ch in text:
            for code in codes:
                scores[code] += (_MARK_WEIGHT if ch in _SPANISH_MARKS else 1.0) / len(codes)
                signs[code].append(ch)
    accents: dict[str, list[str]] = {code: [] for code in PROFILES}  # quoted last: they show little
    for ch, codes in _SHARED_ACCENTS.items():
        if ch in text:
            for code in codes:
                scores[code] += SHARED_ACCENT_WEIGHT / len(codes)
                accents[code].append(ch)
    written = _TOKEN.findall(unicodedata.normalize("NFC", " ".join(texts if words is None else words)))
    for pattern, codes in _SPELLINGS:
        found = next((w for w in written if w.islower() and pattern.search(w)), None)
        if found is not None:
            for code in codes:
                scores[code] += 1.0 / len(codes)
                signs[code].append(found)
    weighed = [w.lower() for w in written]
    for word in weighed:
        sharers = _SHARED.get(word, [])
        for code in sharers:
            scores[code] += 1.0 / len(sharers)
            if word not in signs[code]:
                signs[code].append(word)
    return scores, {code: signs[code] + accents[code] for code in PROFILES}


def _leader(
    texts: list[str],
    least: float,
    ratio: float,
    against: str | None,
    scored: tuple[dict[str, float], dict[str, list[str]]] | None = None,
) -> Guess | None:
    """The profile that leads ``texts``' scores (``scored``: scores weighed otherwise) with at least
    ``least``: ``ratio`` times ``against``'s score and ahead of every other's (``against`` None:
    ``ratio`` times every other's), or None."""
    scores, signs = _scores(texts) if scored is None else scored
    best = max(scores, key=lambda code: scores[code])
    second = max((scores[code] for code in PROFILES if code != best), default=0.0)
    if best == against or scores[best] < least or scores[best] <= second:
        return None
    if scores[best] < ratio * (second if against is None else scores[against]):
        return None
    return Guess(best, tuple(signs[best]))


def likely_language(texts: list[str], not_this: str | None = None) -> Guess | None:
    """The one panel language ``texts`` look written in, when letters or common words say so
    clearly enough to name it (``not_this``: a profile that does not count as an answer)."""
    guess = _pinyin_with_tones(texts) or _leader(texts, LIKELY_SCORE, LIKELY_RATIO, None)
    return None if guess is None or guess.code == not_this else guess


def looks_other(texts: list[str], language: str | None) -> Guess | None:
    """The language ``texts`` look written in when it is clearly not ``language`` (the script's
    tag), for a refusal before drawing; None when they fit it, when the evidence is thin, or when
    ``language`` is not one the panel offers in Latin letters. A Mandarin tag: Latin-letter lines
    that are not pinyin (``Guess("", ...)`` when no other language stands out)."""
    own = profile(language)
    if own is None:
        return None
    if own == "cmn":
        return _not_pinyin(texts)
    return _pinyin_with_tones(texts) or _leader(texts, STRONG_SCORE, STRONG_RATIO, own)


# pinyin: the syllables Mandarin has (the standard table, with the y/w spellings, ü typed as v or u,
# the interjections m, n, ng, hm, hng, ê, yo, lo), and an erhua r at the end of a word with its tones (nǎr, wánr). Before,
# any initial with any final passed, which made most Portuguese words pinyin ("muito" as mu-i-to,
# "bebe", "perto", "bonito"), so a Portuguese script passed for Mandarin (lang38's one whole-script
# miss); a real pinyin word must never fail, so every syllable of the table is here.
_SYLLABLES_BY_INITIAL = {
    "": "a o e ai ei ao ou an en ang eng er ê m n ng hm hng",
    "y": "yi ya yo ye yao you yan yin yang ying yong yu yue yuan yun yv yve yvan yvn",
    "w": "wu wa wo wai wei wan wen wang weng",
    "b": "a o ai ei ao an en ang eng i ie iao ian in ing u",
    "p": "a o ai ei ao ou an en ang eng i ie iao ian in ing u",
    "m": "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u",
    "f": "a o ei ou an en ang eng u",
    "d": "a e ai ei ao ou an en ang eng ong i ia ie iao iu ian ing u uo ui uan un",
    "t": "a e ai ei ao ou an ang eng ong i ie iao ian ing u uo ui uan un",
    "n": "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan un ü üe v ve ue",
    "l": "a e o ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan un ü üe v ve ue",
    "g": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "k": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "h": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "j": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "q": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "x": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "zh": "a e i ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "ch": "a e i ai ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "sh": "a e i ai ei ao ou an en ang eng u ua uo uai ui uan un uang",
    "r": "e i ao ou an en ang eng ong u ua uo ui uan un",
    "z": "a e i ai ei ao ou an en ang eng ong u uo ui uan un",
    "c": "a e i ai ao ou an en ang eng ong u uo ui uan un",
    "s": "a e i ai ao ou an en ang eng ong u uo ui uan un",
}
_PINYIN = sorted(
    {
        (initial + final if initial not in ("", "y", "w") else final)
        for initial, finals in _SYLLABLES_BY_INITIAL.items()
        for final in finals.split()
    }
    | {"lo", "yo", "o"},
    key=len,
    reverse=True,
)
# each syllable with its tone number or none; an erhua r ends a word written with its tones (nǎr,
# yìdiǎnr, wan2r: without them "war", "kadar", "cenar" would be pinyin)
_SYLLABLE = re.compile("(?:(?:" + "|".join(_PINYIN) + ")[1-5]?)+")
_ERHUA = re.compile(_SYLLABLE.pattern + "r[1-5]?")
# the letters weighed for a Mandarin script: pinyin's own are left out (its tone marks à è ì ò ù,
# ü, and the rare ê and ń: ``ê̄``, ``ńg``)
_NOT_PINYIN_LETTERS = {ch: codes for ch, codes in _LETTERS.items() if ch not in "àèìòùüêń"}
_TONE_MARKS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuüüüünnnm")


def is_pinyin(word: str) -> bool:
    """Whether ``word`` is pinyin syllables (tone marks or tone numbers, or neither):
    ``ni3``, ``hǎo``, ``Zhōngguó``, ``xièxie``; ``bonjour``, ``avec`` are not."""
    plain = (
        unicodedata.normalize("NFC", word.lower()).replace("'", "").replace("’", "").translate(_TONE_MARKS)
    )
    shapes = (_SYLLABLE, _ERHUA) if _has_tone(word) else (_SYLLABLE,)
    return bool(plain) and any(shape.fullmatch(plain) for shape in shapes)


def tone_numbers(text: str) -> bool:
    """Whether ``text`` holds a pinyin syllable with a tone number (``ni3``): a digit alone (``9 h
    30``) is a number, not a tone."""
    return any(is_pinyin(m) for m in re.findall(r"[^\W\d_]+[1-5](?![0-9])", text))


# tone marks no panel language writes (tones 1 and 3); the acute and grave of tones 2 and 4 are
# also Spanish, French, Italian, Portuguese letters (é, à, ò)
_OWN_TONES = frozenset("āǎēěīǐōǒūǔǖǚ")
# pinyin written with its tones: at least this share of a line's words, and two of them
PINYIN_TONED_SHARE = 0.5


def _latin_words(text: str) -> list[str]:
    """``text``'s words in Latin letters (digits and an apostrophe inside kept: ``ni3``, ``Xī'ān``)."""
    words = [w for w in re.findall(r"[^\W_]+(?:['’][^\W_]+)?", text) if any(ch.isalpha() for ch in w)]
    return [w for w in words if all("LATIN" in unicodedata.name(ch, "") or ch.isdigit() for ch in w)]


def _names_dropped(text: str) -> str:
    """``text`` without its capitalised words inside a sentence: a name written in pinyin with its tones
    ("Not really, Lǐ Míng.") says who is spoken to, not the language the line is in (review rv39i F1:
    such an English line was refused as Mandarin). A sentence's first word stays ("Nǐ hǎo")."""

    def keep(m: re.Match[str]) -> str:
        return m.group(1) if m.group(2)[0].isupper() else m.group(0)

    return re.sub(r"(?<=[^\s.!?。！？…:;\"'“‘(\[-])(\s+)([^\W\d_][^\W_]*)", keep, text)


def _has_tone(word: str) -> bool:
    """Whether ``word`` carries a tone, as a mark (hǎo, chá) or a number (hao3)."""
    lower = unicodedata.normalize("NFC", word.lower())
    return lower.translate(_TONE_MARKS) != lower or any(ch.isdigit() for ch in lower)


def _pinyin_with_tones(texts: list[str]) -> Guess | None:
    """Mandarin (``Guess("cmn", ...)``) for lines that are pinyin written with its tones, numbers or
    marks (``ni3 hao3``, ``Nǐ hǎo``), with a tone no panel language writes (a number, ǎ, ā): a pinyin
    script given as Spanish, French or German passed before (its syllables are Latin letters)."""
    words = [w for text in texts for w in _latin_words(_names_dropped(text))]
    toned = [w for w in words if is_pinyin(w) and _has_tone(w)]
    own = [w for w in toned if any(ch.isdigit() or ch in _OWN_TONES for ch in w.lower())]
    if len(toned) < 2 or not own or len(toned) < PINYIN_TONED_SHARE * len(words):
        return None
    return Guess("cmn", tuple(dict.fromkeys(own + toned))[:4])


def _not_pinyin(texts: list[str]) -> Guess | None:
    """Mostly Latin-letter lines whose words are mostly not pinyin: the language they look in
    (``code`` "" when none stands out), else None."""
    text = " ".join(texts)
    letters = [ch for ch in text if ch.isalpha()]
    latin = [ch for ch in letters if "LATIN" in unicodedata.name(ch, "")]
    if not letters or len(latin) <= len(letters) / 2:
        return None
    words = _latin_words(text)
    if not words:
        return None
    others = [w for w in words if not is_pinyin(w)]
    if len(others) <= (1 - PINYIN_SHARE) * len(words):
        # pinyin-shaped words abound in Portuguese, Italian, Spanish ("pai", "bebe", "de", "a"): the
        # letters and words pinyin never writes (ã, ç, 'não', 'muito') may still show another language
        return _leader(texts, STRONG_SCORE, STRONG_RATIO, None, _scores(texts, _NOT_PINYIN_LETTERS, others))
    return likely_language(texts) or Guess("", tuple(others[:4]))


def signs_said(guess: Guess, most: int = 4) -> str:
    """What shows the language, for a message: ``ç, è, 'avec', 'les'``."""
    return ", ".join(s if len(s) == 1 and not s.isascii() else repr(s) for s in guess.signs[:most])
