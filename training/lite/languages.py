"""The languages of the v2 corpus: espeak-ng voices and our own everyday sentences.

The model takes no language input; it must learn mouth shapes from sound. So the corpus
spreads over languages chosen for phonetic breadth (Romance, Germanic, Slavic, Turkic,
Semitic, Indo-Aryan, Sino-Tibetan, Japonic, Koreanic), each spoken through espeak-ng's
IPA phoneme events and mapped to visemes by ``ipa.py`` (which works for any espeak-ng
language, not only these).

Sentences are ours, written for this corpus, with plenty of bilabials (m b p),
labiodentals (f v) and open vowels. Mandarin is written in tone-numbered pinyin and
spoken by ``cmn-latn-pinyin`` because this espeak-ng build reads many Han characters
letter-by-letter in English; Japanese is written in kana for the same reason.

Evaluation holds out, per language, the last sentence and the voice variants in
``HELDOUT_VARIANTS``: the training corpus never contains them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One corpus language: espeak-ng voice, sentences, backchannels, laughs."""

    code: str
    voice: str  # espeak-ng voice name
    sentences: tuple[str, ...]  # the last one is held out for evaluation
    backchannels: tuple[str, ...]
    laughs: tuple[str, ...] = ("ha ha ha", "ha ha", "ha")

    @property
    def train_sentences(self) -> tuple[str, ...]:
        return self.sentences[:-1]

    @property
    def eval_sentence(self) -> str:
        return self.sentences[-1]


# espeak-ng voice variants (files in espeak-ng-data/voices/!v, names case-sensitive: espeak-ng
# speaks ``xx+name`` as the bare voice ``xx`` without a word when no file has that name, so
# ``synth`` checks every one before the first dialogue). Corpora made before the variant was
# spelt "Annie" drew "annie", which espeak-ng 1.51 has no file for: those voices were the
# language's bare voice.
TRAIN_VARIANTS_M = ("m1", "m2", "m3", "m4", "m5", "m6", "klatt", "klatt2", "adam", "david", "edward")
TRAIN_VARIANTS_F = ("f1", "f2", "f3", "f4", "klatt4", "linda", "steph", "belinda", "Annie")
HELDOUT_VARIANTS = ("m7", "f5")

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "es",
            "es",
            (
                "Mi madre prepara una paella buenísima los domingos.",
                "¿Vamos a la playa mañana por la tarde?",
                "El perro blanco bebe agua de la fuente.",
                "Pablo perdió el autobús otra vez.",
                "Me parece muy bien, pero primero hay que comer.",
                "Ayer vimos una película fantástica en el cine.",
                "Por favor, pásame el pan y la mantequilla.",
                "Mi hermano vive en Barcelona desde mayo.",
            ),
            ("sí", "claro", "vale", "ajá", "ya", "mhm"),
            ("ja ja ja", "ja ja"),
        ),
        Language(
            "fr",
            "fr",
            (
                "Ma mère prépare une bonne soupe aux pommes de terre.",
                "Tu veux venir au marché avec moi demain matin?",
                "Le bébé a bu tout son biberon.",
                "Il fait vraiment beau aujourd'hui, profitons-en.",
                "Mon père habite à Paris depuis février.",
                "Je ne pense pas que ce soit une bonne idée.",
                "Passe-moi le beurre et la baguette, s'il te plaît.",
                "Nous avons mangé des moules au bord de la mer.",
            ),
            ("oui", "d'accord", "ah bon", "mhm", "voilà", "bien sûr"),
        ),
        Language(
            "de",
            "de",
            (
                "Am Morgen trinke ich Kaffee mit viel Milch.",
                "Mein Bruder baut ein Boot im Garten.",
                "Hast du morgen Abend schon etwas vor?",
                "Wir fahren im Sommer mit dem Fahrrad nach Bremen.",
                "Das Wetter war am Wochenende wunderbar.",
                "Bitte mach das Fenster auf, es ist warm.",
                "Papa hat vergessen, Brot zu kaufen.",
                "Meine Mutter malt gerne Blumen am Fluss.",
            ),
            ("ja", "genau", "mhm", "na klar", "ach so", "stimmt"),
        ),
        Language(
            "it",
            "it",
            (
                "Mamma mia, che bella pizza!",
                "Il mio babbo beve un caffè ogni mattina.",
                "Domani andiamo al mare con gli amici.",
                "Per favore, mi passi il pane e il burro?",
                "Abbiamo visto un film molto bello ieri sera.",
                "La bambina parla sempre con il suo gatto.",
                "Forse possiamo prendere il treno delle nove.",
                "Mi piace molto passeggiare in montagna.",
            ),
            ("sì", "certo", "va bene", "mhm", "davvero", "ecco"),
        ),
        Language(
            "pt",
            "pt-br",
            (
                "Meu pai bebe muito café de manhã.",
                "Vamos à praia amanhã depois do almoço?",
                "A menina comprou um bolo de banana.",
                "Minha mãe mora perto do mercado.",
                "Por favor, me passa a manteiga e o pão.",
                "Ontem vimos um filme muito bonito.",
                "O barco passou bem perto da ponte.",
                "Maria fala francês muito bem.",
            ),
            ("sim", "claro", "pois é", "mhm", "tá bom", "né"),
            ("ha ha ha", "rá rá"),
        ),
        Language(
            "ru",
            "ru",
            (
                "Папа купил большую рыбу на базаре.",
                "Мама мыла раму, а брат читал книгу.",
                "Пойдём в парк после обеда?",
                "Мой брат работает в большом банке.",
                "Вчера мы смотрели очень хороший фильм.",
                "Пожалуйста, передай мне хлеб и масло.",
                "Бабушка варит вкусный борщ по выходным.",
                "В мае мы поедем на море.",
            ),
            ("да", "ага", "угу", "понятно", "конечно", "ясно"),
        ),
        Language(
            "tr",
            "tr",
            (
                "Bu akşam babamla balık yiyeceğiz.",
                "Annem pazardan bol bol meyve aldı.",
                "Yarın sabah parka gidelim mi?",
                "Benim kardeşim bankada çalışıyor.",
                "Lütfen bana biraz ekmek ver.",
                "Dün akşam çok güzel bir film izledik.",
                "Mavi bir bisiklet almak istiyorum.",
                "Biz her pazar kahvaltıda peynir yeriz.",
            ),
            ("evet", "tabii", "hı hı", "aynen", "peki", "tamam"),
        ),
        Language(
            "ar",
            "ar",
            (
                "أبي يشرب القهوة كل صباح.",
                "مرحبا بكم في بيتنا الجميل.",
                "ذهبنا إلى البحر مع الأصدقاء.",
                "أمي تطبخ الأرز باللحم يوم الجمعة.",
                "من فضلك أعطني الماء والخبز.",
                "هل تريد أن تلعب معنا الكرة؟",
                "الباب مفتوح والبيت بارد.",
                "أنا أحب الموز والبرتقال.",
            ),
            ("نعم", "طيب", "أكيد", "ممم", "صحيح", "ماشي"),
        ),
        Language(
            "hi",
            "hi",
            (
                "मेरी माँ बहुत अच्छा खाना बनाती है।",
                "मैं हर सुबह पानी पीता हूँ।",
                "क्या हम कल बाज़ार चलें?",
                "मेरे भाई ने एक बड़ी मछली पकड़ी।",
                "बाबा बाग में फूल लगा रहे हैं।",
                "कृपया मुझे पानी और रोटी दीजिए।",
                "कल हमने एक बहुत अच्छी फ़िल्म देखी।",
                "मुंबई में बारिश बहुत होती है।",
            ),
            ("हाँ", "अच्छा", "ठीक है", "हम्म", "बिल्कुल", "सही"),
        ),
        Language(
            "cmn",
            "cmn-latn-pinyin",
            (
                "wo3 men5 jin1 tian1 qu4 mai3 mian4 bao1.",
                "ma1 ma5 mei3 tian1 zao3 shang5 he1 ka1 fei1.",
                "ni3 ming2 tian1 xiang3 bu2 xiang3 qu4 pa2 shan1?",
                "ba4 ba5 bang1 wo3 mai3 le5 yi1 ben3 shu1.",
                "bei3 jing1 de5 feng1 jing3 fei1 chang2 mei3.",
                "qing3 ba3 na4 ge4 ping2 guo3 na2 gei3 wo3.",
                "wo3 men5 zuo2 tian1 kan4 le5 yi2 bu4 dian4 ying3.",
                "pang2 bian1 de5 fan4 guan3 hen3 pian2 yi5.",
            ),
            ("dui4", "en4", "hao3", "shi4 a5", "ming2 bai5", "ke3 yi3"),
        ),
        Language(
            "ja",
            "ja",
            (
                "わたしは まいにち ほんを よみます。",
                "あしたは うみへ いきましょう。",
                "ははは まいあさ みそしるを つくります。",
                "この パンは とても おいしいです。",
                "ぼくの ともだちは ピアノを ひきます。",
                "まどを あけて ください。",
                "きのう みた えいがは おもしろかったです。",
                "ふゆの やまは ほんとうに きれいです。",
            ),
            ("はい", "ええ", "そうですね", "なるほど", "うん", "へえ"),
        ),
        Language(
            "ko",
            "ko",
            (
                "저는 매일 밥을 먹어요.",
                "우리 엄마는 바다를 아주 좋아해요.",
                "내일 같이 박물관에 갈까요?",
                "아빠가 맛있는 빵을 사 왔어요.",
                "비가 많이 와서 밖에 못 나가요.",
                "물 좀 주세요.",
                "어제 본 영화가 정말 재미있었어요.",
                "봄에는 많은 꽃이 피어요.",
            ),
            ("네", "응", "그렇죠", "맞아요", "아하", "음"),
        ),
        Language(
            "nl",
            "nl",
            (
                "Mijn moeder bakt elke week brood.",
                "Zullen we morgen naar het park gaan?",
                "De boot vaart langzaam over de rivier.",
                "Papa maakt pannenkoeken met appel.",
                "Het was gisteren prachtig weer aan zee.",
                "Wil je mij de boter even geven?",
                "Mijn broer woont al vijf maanden in Amsterdam.",
                "We hebben een mooie film gezien.",
            ),
            ("ja", "precies", "mhm", "o ja", "klopt", "nou"),
        ),
        Language(
            "pl",
            "pl",
            (
                "Mama piecze pyszny placek z jabłkami.",
                "Pójdziemy jutro na basen?",
                "Mój brat mieszka w małym mieście nad morzem.",
                "Poproszę bułkę z masłem i kawę.",
                "Wczoraj oglądaliśmy bardzo fajny film.",
                "Babcia ma piękny ogród pełen kwiatów.",
                "Proszę, podaj mi pomarańczowy parasol.",
                "Pies biegał po parku przez pół dnia.",
            ),
            ("tak", "no", "mhm", "jasne", "aha", "dobrze"),
        ),
    )
}
