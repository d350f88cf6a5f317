"""Language names as people type them, read as the tags the engine takes.

An animator asked for the script's language types its name, in English or in the language itself
(``Spanish``, ``español``, ``Français``, ``日本語``, ``中文``), not an espeak-ng tag: such names were
refused as "must be a language tag of letters, digits, - and _" (``español``) or failed later as a
language espeak-ng does not speak (``Spanish``). Here each name, in any case and with or without its
accents, is the tag it means; anything else is left as typed, for the tag check. Kept in core (the
options model reads it and imports nothing outside core); ``phonetic.script_languages`` uses it too.
"""

from __future__ import annotations

import difflib
import unicodedata

# tag -> its names: English, the language's own, and the panel's translations' (Japanese, Chinese).
# Portuguese alone is the tag "pt", as espeak-ng and ISO 639 read it (European); Brazil's has its own
# names. Chinese is Mandarin (as the tag zh is here), unless Cantonese is named.
NAMES: dict[str, tuple[str, ...]] = {
    "en": ("English", "Inglés", "Anglais", "Englisch", "Inglese", "Inglês", "Engels", "Angielski",
           "Engelska", "İngilizce", "英語", "英语", "영어", "Английский", "الإنجليزية", "अंग्रेज़ी"),
    "es": ("Spanish", "Español", "Castellano", "Espagnol", "Spanisch", "Spagnolo", "Espanhol", "Spaans",
           "Hiszpański", "Spanska", "İspanyolca", "スペイン語", "西班牙语", "西班牙語", "스페인어",
           "Испанский"),
    "fr": ("French", "Français", "Francés", "Französisch", "Francese", "Francês", "Frans", "Francuski",
           "Franska", "Fransızca", "フランス語", "法语", "法語", "프랑스어", "Французский"),
    "de": ("German", "Deutsch", "Alemán", "Allemand", "Tedesco", "Alemão", "Duits", "Niemiecki", "Tyska",
           "Almanca", "ドイツ語", "德语", "德語", "독일어", "Немецкий"),
    "it": ("Italian", "Italiano", "Italien", "Italienisch", "Italiaans", "Włoski", "Italienska",
           "İtalyanca", "イタリア語", "意大利语", "義大利語", "이탈리아어", "Итальянский"),
    "pt": ("Portuguese", "Português", "Portugués", "Portugais", "Portugiesisch", "Portoghese",
           "Portugees", "Portugalski", "Portugisiska", "Portekizce", "ポルトガル語", "葡萄牙语", "葡萄牙語",
           "포르투갈어", "Португальский", "Portuguese (Portugal)", "European Portuguese",
           "Português europeu", "Português de Portugal"),
    "pt-br": ("Portuguese (Brazil)", "Brazilian Portuguese", "Brazilian", "Português (Brasil)",
              "Português do Brasil", "Português brasileiro", "Brasileiro", "ブラジルポルトガル語",
              "巴西葡萄牙语", "巴西葡萄牙語"),
    "nl": ("Dutch", "Nederlands", "Flemish", "Vlaams", "Neerlandés", "Néerlandais", "Niederländisch",
           "Olandese", "Holandês", "Niderlandzki", "Nederländska", "Felemenkçe", "オランダ語", "荷兰语",
           "荷蘭語", "네덜란드어"),
    "pl": ("Polish", "Polski", "Polaco", "Polonais", "Polnisch", "Polacco", "Polonês", "Pools", "Polska",
           "Lehçe", "ポーランド語", "波兰语", "波蘭語", "폴란드어", "Польский"),
    "sv": ("Swedish", "Svenska", "Sueco", "Suédois", "Schwedisch", "Svedese", "Zweeds", "Szwedzki",
           "İsveççe", "スウェーデン語", "瑞典语", "瑞典語", "스웨덴어", "Шведский"),
    "ru": ("Russian", "Русский", "Русский язык", "По-русски", "Ruso", "Russe", "Russisch", "Russo",
           "Rosyjski", "Ryska", "Rusça", "ロシア語", "俄语", "俄語", "러시아어", "Russkiy", "Russkij"),
    "tr": ("Turkish", "Türkçe", "Turco", "Turc", "Türkisch", "Turks", "Turecki", "Turkiska", "トルコ語",
           "土耳其语", "土耳其語", "터키어", "튀르키예어", "Турецкий"),
    "ar": ("Arabic", "العربية", "عربي", "Árabe", "Arabe", "Arabisch", "Arabo", "Arabski", "Arabiska",
           "Arapça", "アラビア語", "阿拉伯语", "阿拉伯語", "아랍어", "Арабский", "اللغة العربية", "عربية",
           "العربيه", "عربى", "الفصحى", "اللغة العربية الفصحى"),
    "hi": ("Hindi", "हिन्दी", "हिंदी", "हिन्दी भाषा", "हिंदी भाषा", "ヒンディー語", "印地语", "印地語", "힌디어",
           "Хинди"),
    "cmn": ("Mandarin", "Chinese", "Mandarin Chinese", "Chinese (Mandarin)", "Pinyin", "中文", "汉语",
            "漢語", "普通话", "普通話", "国语", "國語", "华语", "華語", "中国語", "標準中国語", "중국어",
            "Chino", "Mandarín", "Chinois", "Chinesisch", "Cinese", "Chinês", "Chinees", "Chiński",
            "Kinesiska", "Çince", "Китайский", "Simplified Chinese", "Chinese (Simplified)",
            "Traditional Chinese", "Chinese (Traditional)", "简体中文", "簡體中文", "繁體中文", "繁体中文",
            "中文 (简体)", "中文 (繁體)", "中文 (繁体)", "简体", "繁體", "汉语普通话", "漢語普通話", "中國話",
            "中国话", "台灣華語", "简中", "繁中", "Chinese Mandarin", "Putonghua", "Guoyu", "Zhongwen",
            "Hanyu", "簡体中国語", "繁体中国語", "중국말", "Китайский язык"),
    "yue": ("Cantonese", "粵語", "粤语", "廣東話", "广东话", "広東語", "광둥어", "Cantonés", "Cantonais",
            "Kantonesisch"),
    "ja": ("Japanese", "日本語", "にほんご", "ニホンゴ", "Japonés", "Japonais", "Japanisch", "Giapponese",
           "Japonês", "Japans", "Japoński", "Japanska", "Japonca", "日语", "日語", "일본어", "Японский"),
    "ko": ("Korean", "한국어", "조선어", "Coreano", "Coréen", "Koreanisch", "Koreaans", "Koreański",
           "Koreanska", "Korece", "韓国語", "朝鮮語", "韩语", "韓語", "Корейский", "한국말", "조선말", "우리말",
           "韓國語", "韩国语", "Hangugeo", "Hangukmal", "Корейский язык"),
    # other languages espeak-ng reads that animators ask for by name
    "ca": ("Catalan", "Català", "Catalán"),
    "cs": ("Czech", "Čeština", "Tschechisch"),
    "da": ("Danish", "Dansk", "Dänisch"),
    "el": ("Greek", "Ελληνικά", "Griego", "Grec", "Griechisch"),
    "fi": ("Finnish", "Suomi", "Finnisch"),
    "he": ("Hebrew", "עברית"),
    "hu": ("Hungarian", "Magyar"),
    "id": ("Indonesian", "Bahasa Indonesia"),
    "ms": ("Malay", "Bahasa Melayu"),
    "nb": ("Norwegian", "Norsk", "Norsk bokmål"),
    "ro": ("Romanian", "Română"),
    "uk": ("Ukrainian", "Українська", "Українська мова", "Украинский", "Ukrainisch", "Ucraniano"),
    "bg": ("Bulgarian", "Български", "Български език", "Болгарский", "Bulgarisch", "Búlgaro"),
    "sr": ("Serbian", "Српски", "Srpski"),
    "be": ("Belarusian", "Беларуская", "Белорусский"),
    "kk": ("Kazakh", "Қазақша", "Қазақ тілі", "Казахский"),
    "ur": ("Urdu", "اردو", "اُردُو", "Урду", "ウルドゥー語", "乌尔都语"),
    "fa": ("Persian", "Farsi", "فارسی", "Персидский"),
    "bn": ("Bengali", "Bangla", "বাংলা"),
    "mr": ("Marathi", "मराठी"),
    "ne": ("Nepali", "नेपाली"),
    "vi": ("Vietnamese", "Tiếng Việt"),
    "th": ("Thai", "ภาษาไทย", "ไทย"),
}  # fmt: skip
# ISO 639-2 and 639-3 codes, as a pipeline's config or a subtitle file's metadata gives a language
# (spa, jpn; the 639-2/B forms ger, fre, dut, chi too): each names one of the tags above, so it is read
# as that tag ("spa" was refused by espeak-ng with no "did you mean", lang41b's hand-off). Chinese (zho,
# chi) is Mandarin, as zh is. None is an espeak-ng voice of its own (its 3-letter ones: cmn, grc, yue...).
CODES: dict[str, tuple[str, ...]] = {
    "en": ("eng",), "es": ("spa",), "fr": ("fra", "fre"), "de": ("deu", "ger"), "it": ("ita",),
    "pt": ("por",), "nl": ("nld", "dut"), "pl": ("pol",), "sv": ("swe",), "ru": ("rus",), "tr": ("tur",),
    "ar": ("ara", "arb"), "hi": ("hin",), "cmn": ("zho", "chi"), "ja": ("jpn",), "ko": ("kor",),
    "ca": ("cat",), "cs": ("ces", "cze"), "da": ("dan",), "el": ("ell", "gre"), "fi": ("fin",),
    "he": ("heb",), "hu": ("hun",), "id": ("ind",), "ms": ("msa", "zsm"), "nb": ("nob", "nor"),
    "ro": ("ron", "rum"), "uk": ("ukr",), "bg": ("bul",), "sr": ("srp",), "be": ("bel",), "kk": ("kaz",),
    "ur": ("urd",), "fa": ("fas", "per", "pes"), "bn": ("ben",), "mr": ("mar",), "ne": ("nep",),
    "vi": ("vie",), "th": ("tha",),
}  # fmt: skip
# B's "same as A": the panel's words for B's default
SAME = "same"
_SAME_NAMES = ("same", "Same as A")
# a few names to show where one is refused: English, the language's own, one in other letters
EXAMPLES = ("Spanish", "español", "日本語")


# Arabic's vowel marks (harakat, shadda, sukun, the dagger alif) and the tatweel that stretches a word:
# a formal typist writes العربيّة, as a Latin one writes Français
_ARABIC_MARKS = frozenset([*map(chr, range(0x064B, 0x0660)), "\u0670", "\u0640"])


def key(text: str) -> str:
    """A name as compared: NFKC, case folded, a Latin letter's accents and Arabic's vowel marks dropped
    (``Français`` -> ``francais``, ``العربيّة`` -> ``العربية``), brackets and punctuation as spaces (``Portuguese (Brazil)`` -> ``portuguese brazil``)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept: list[str] = []
    for ch in unicodedata.normalize("NFKD", folded):
        if unicodedata.category(ch) == "Mn" and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter; kana's voicing marks and Devanagari's signs stay
        if ch in _ARABIC_MARKS:
            continue  # harakat, shadda, a tatweel: العربيّة is العربية, as Français is francais
        kept.append(ch if ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc") else " ")
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


_BY_NAME: dict[str, str] = {key(name): tag for tag, names in NAMES.items() for name in names}
_BY_NAME.update({key(name): SAME for name in _SAME_NAMES})
_BY_CODE = {code: tag for tag, codes in CODES.items() for code in codes}
_BY_NAME.update(_BY_CODE)


def tag_for(text: str) -> str | None:
    """The tag a language's name or ISO 639-2/3 code means (``español``, ``SPANISH``, ``spa`` -> ``es``;
    ``中文``, ``zho`` -> ``cmn``; ``Same as A`` -> ``same``), or None when ``text`` names none of them (a tag, or no language)."""
    return _BY_NAME.get(key(text)) if isinstance(text, str) else None


def as_tag(value: object) -> object:
    """``value`` with a language's name read as its tag; a tag pasted with spaces around it (``'PT-BR '``)
    without them, as a name is; anything else (not text) as given."""
    if not isinstance(value, str):
        return value
    tag = tag_for(value)
    return (value.strip() or value) if tag is None else tag


# a word in a typed name that names a variety: the suggestion is that variety's name ("Portuguese (BR)"
# was told 'Portuguese', which is Portugal's)
_VARIETIES = {"br": "pt-br", "bra": "pt-br", "brasil": "pt-br", "brazil": "pt-br", "brazilian": "pt-br",
              "brasileiro": "pt-br", "brasileira": "pt-br", "pt": "pt", "portugal": "pt", "europeu": "pt",
              "european": "pt", "eu": "pt"}  # fmt: skip
# a country typed for its language: its language's name in the letters typed ("Japan" was told 'Japans',
# Dutch; "China" 'Chino', Spanish). Not read as the language itself: a country may speak several.
_COUNTRIES = {
    key(country): name
    for country, name in (
        ("Japan", "Japanese"), ("Nihon", "Japanese"), ("日本", "日本語"), ("China", "Chinese"),
        ("Taiwan", "Chinese"), ("中国", "中文"), ("中國", "中文"), ("台灣", "中文"), ("台湾", "中文"),
        ("Hong Kong", "Cantonese"), ("香港", "粵語"), ("Korea", "Korean"), ("South Korea", "Korean"),
        ("한국", "한국어"), ("대한민국", "한국어"), ("Brazil", "Portuguese (Brazil)"),
        ("Brasil", "Português (Brasil)"), ("Portugal", "Portuguese (Portugal)"), ("Spain", "Spanish"),
        ("España", "Español"), ("Mexico", "Spanish"), ("France", "French"),
        ("Germany", "German"), ("Deutschland", "Deutsch"), ("Italy", "Italian"), ("Italia", "Italiano"),
        ("Russia", "Russian"), ("Россия", "Русский"), ("Turkey", "Turkish"), ("Türkiye", "Türkçe"),
        ("Netherlands", "Dutch"), ("Holland", "Dutch"), ("Poland", "Polish"), ("Sweden", "Swedish"),
        ("Sverige", "Svenska"), ("Ukraine", "Ukrainian"), ("Україна", "Українська"),
        ("Bulgaria", "Bulgarian"), ("Greece", "Greek"), ("Vietnam", "Vietnamese"), ("Thailand", "Thai"),
        ("Iran", "Persian"), ("Pakistan", "Urdu"), ("Egypt", "Arabic"), ("Saudi Arabia", "Arabic"),
    )
}  # fmt: skip


def closest(text: str) -> str | None:
    """The name ``text`` was likely meant to be (a typo: ``Spansih`` -> ``Spanish``; a country: ``Japan``
    -> ``Japanese``; a variety: ``Portuguese (BR)`` -> ``Portuguese (Brazil)``), or a tag (``ptbr`` ->
    ``pt-br``; an ISO code with a region: ``por-BR`` -> ``pt-br``), or None. Of names alike, one in the letters typed (Latin for Latin) is offered."""
    typed = key(text)
    if typed in _COUNTRIES:
        return _COUNTRIES[typed]
    words = typed.split()
    if len(words) == 2 and words[0] in _BY_CODE and words[1].isascii() and words[1].isalnum():
        # an ISO 639-2/3 code with its region (por-BR, spa_MX): the tag with that region
        return f"{_BY_CODE[words[0]]}-{words[1]}"
    for tag in dict.fromkeys(_VARIETIES[w] for w in words if w in _VARIETIES):
        if len(words) > 1:  # Portuguese (BR): the names of that variety alone
            own = {key(name): name for name in reversed(NAMES[tag])}  # the first of names alike
            found = difflib.get_close_matches(typed, list(own), n=1, cutoff=0.6)
            if found:
                return own[found[0]]
    every: dict[str, str] = {}
    for name in [*(name for names in NAMES.values() for name in names), *NAMES]:
        every.setdefault(key(name), name)  # Mandarin before Mandarín (both "mandarin"), then the tags
    found = difflib.get_close_matches(typed, list(every), n=3, cutoff=0.8)
    alike = [k for k in found if k.isascii() == typed.isascii()]
    return every[(alike or found)[0]] if found else None
