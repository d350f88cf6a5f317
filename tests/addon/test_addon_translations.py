"""The interface in Japanese (and Simplified Chinese) through Blender's own translation system
(``dualtalk_blender/addon/translations.py``, registered by ``registration.py``).

The PyPI ``bpy`` module these tests run on is built without internationalization
(``bpy.app.build_options.international`` is False, the only interface language is ``DEFAULT``,
``bpy.app.translations.register`` does nothing), so it cannot switch to Japanese. What Blender does
with the registered dictionary is therefore checked two ways: with Blender's own lookup rules applied
to the dictionary the add-on hands to ``bpy.app.translations.register`` (caught by a stand-in that
behaves as an international build does: a second register of one name raises), and, on a Blender that
can switch language, through ``pgettext_iface`` / ``pgettext_tip`` themselves.

The completeness test collects every string Blender translates on its own: the registered classes'
labels and descriptions, their properties' names and descriptions and enum items (from RNA, so a
generated option property is seen as Blender sees it), the fixed ``text=`` / ``title=`` /
``confirm_text=`` strings of the draw and operator code (read with ``ast``: text built at run time,
f-strings and status lines, is out of scope), the reasons an operator gives when it is greyed out
(``poll_message_set``: Blender shows them in the tooltip through ``TIP_``, the default context) and
the tooltips an operator's ``description`` callback returns. A label, greyed-out reason or tooltip
added without a translation fails it, naming the string.

A poll message is looked up whole, so it must be a fixed string (a literal, a module constant or a
value of a module-level table of them): one built at run time fails
``test_every_poll_message_is_a_fixed_string``. Blender does not look up what a ``description``
callback returns (``WM_operatortype_description`` hands it on as it is): the callback has to hand
back ``bpy.app.translations.pgettext_tip(...)`` itself.
"""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk import registration
from dualtalk.dualtalk_blender.addon import translations

REPO = Path(__file__).resolve().parents[2]
UI_SOURCES = sorted([*(REPO / "panels").glob("*.py"), *(REPO / "operators").glob("*.py")])
DEFAULT = bpy.app.translations.contexts.default  # "*"
OPERATOR = bpy.app.translations.contexts.operator_default  # "Operator"
INTERNATIONAL = bpy.app.build_options.international
NO_LANGUAGES = (
    "this bpy is built without internationalization: build_options.international is False and "
    "PreferencesView.language offers only DEFAULT"
)


# ---------------------------------------------------------------- what Blender does with the dict


class RecordingTranslations:
    """``bpy.app.translations`` as an international build behaves: one dictionary per name, a second
    register of a name raises ValueError, unregister of an unknown name is a no-op."""

    def __init__(self, fail: bool = False) -> None:
        self.registered: dict[str, dict] = {"other_addon": {"ja_JP": {("*", "Other"): "他"}}}
        self.fail = fail

    def register(self, name: str, table: dict) -> None:
        if self.fail:
            raise RuntimeError("translation cache unavailable")
        if name in self.registered:
            raise ValueError(f"translations message cache already contains some data for addon '{name}'")
        self.registered[name] = table

    def unregister(self, name: str) -> None:
        if self.fail:
            raise RuntimeError("translation cache unavailable")
        self.registered.pop(name, None)


def blender_lookup(tables: list[dict], locale: str, msgid: str, context: str = DEFAULT) -> str:
    """What ``BLT_pgettext`` answers when Blender's own catalogue has no entry: from each add-on's
    dictionary, the one table of the locale (tried whole, then as language_country, language@variant,
    language: ``_build_translations_cache``), key (context, msgid), the empty context being the
    default "*"; the English msgid when none has it."""
    if locale in ("", "DEFAULT", "en_US"):
        return msgid
    language, _country, _variant, language_country, language_variant = bpy.app.translations.locale_explode(
        locale
    )
    key = (context or DEFAULT, msgid)
    for tables_of_addon in tables:
        codes = [
            c for c in (locale, language_country, language_variant, language) if c and c in tables_of_addon
        ]
        if codes and key in tables_of_addon[codes[0]]:
            return tables_of_addon[codes[0]][key]
    return msgid


@pytest.fixture
def fake_api(monkeypatch):
    fake = RecordingTranslations()
    monkeypatch.setattr(translations, "_api", lambda: fake)
    return fake


@pytest.fixture
def addon(tmp_path):
    ah.fresh_scene_with_addon(tmp_path / "models")
    yield
    ah.disable_addon()


@pytest.fixture
def interface_language():
    """Restores the interface language and translation switches a test changes."""
    view = bpy.context.preferences.view
    saved = (view.language, view.use_translate_interface, view.use_translate_tooltips)
    yield view
    view.language, view.use_translate_interface, view.use_translate_tooltips = saved


# ---------------------------------------------------------------- what our interface declares


def _operator_rna(cls):
    module, _, name = cls.bl_idname.partition(".")
    return getattr(getattr(bpy.ops, module), name).get_rna_type()


BUILT_IN = {"rna_type", "name", "bl_idname"}  # Blender's own (and translated by Blender)


def _property_strings(rna, where: str):
    for prop in rna.properties:
        if prop.identifier in BUILT_IN:
            continue
        context = prop.translation_context or DEFAULT
        if prop.name and prop.name != prop.identifier:  # no name given: Blender shows the identifier
            yield context, prop.name, f"{where}.{prop.identifier} name"
        yield DEFAULT, prop.description, f"{where}.{prop.identifier} description"
        if prop.type == "ENUM":
            for item in prop.enum_items:
                yield context, item.name, f"{where}.{prop.identifier} item {item.identifier}"
                yield (
                    DEFAULT,
                    item.description,
                    f"{where}.{prop.identifier} item {item.identifier} description",
                )


def class_strings():
    """(context, msgid, where) for each registered class: labels and descriptions, properties."""
    for cls in registration.CLASSES:
        if issubclass(cls, bpy.types.Operator):
            rna = _operator_rna(cls)
            yield rna.translation_context, rna.name, f"{cls.__name__} label"
            yield DEFAULT, rna.description, f"{cls.__name__} description"
            yield from _property_strings(rna, cls.__name__)
        elif issubclass(cls, bpy.types.Panel):
            yield getattr(cls, "bl_translation_context", DEFAULT), cls.bl_label, f"{cls.__name__} label"
            yield (
                DEFAULT,
                getattr(cls, "bl_description", None) or cls.__doc__ or "",
                f"{cls.__name__} description",
            )
            yield DEFAULT, getattr(cls, "bl_category", ""), f"{cls.__name__} tab"
        else:  # property groups, add-on preferences
            yield from _property_strings(cls.bl_rna, cls.__name__)


TEXT_KEYWORDS = ("text", "title", "confirm_text")  # layout items; WindowManager.invoke_confirm
TRANSLATE_CALLS = ("pgettext", "pgettext_iface", "pgettext_tip", "pgettext_rpt")  # the text inside


def _constants(node, names: dict[str, str], tables: dict[str, list[str]] | None = None):
    """The fixed strings an argument can be: a literal, a module constant, either side of ``a if c
    else b`` or ``x or "fallback"``, any value of a module-level table of fixed strings looked up
    (``TABLE[key]``, ``TABLE.get(key, fallback)``), the text handed to ``pgettext_*``; nothing for
    text built at run time."""
    tables = tables or {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Name) and node.id in names:
        yield names[node.id]
    elif isinstance(node, ast.IfExp):
        yield from _constants(node.body, names, tables)
        yield from _constants(node.orelse, names, tables)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _constants(value, names, tables)
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in tables:
        yield from tables[node.value.id]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        func = node.func
        if func.attr == "get" and isinstance(func.value, ast.Name) and func.value.id in tables:
            yield from tables[func.value.id]
            for fallback in node.args[1:2]:
                yield from _constants(fallback, names, tables)
        elif func.attr in TRANSLATE_CALLS and node.args:
            yield from _constants(node.args[0], names, tables)


def _fixed(node, names: dict[str, str], tables: dict[str, list[str]]) -> bool:
    """Whether every value ``node`` can take is a fixed string (what a catalogue can hold)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.IfExp):
        return _fixed(node.body, names, tables) and _fixed(node.orelse, names, tables)
    if isinstance(node, ast.BoolOp):
        return all(_fixed(value, names, tables) for value in node.values)
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id in tables
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        func = node.func
        if func.attr == "get":  # a key the table lacks gives the fallback (None without one)
            return (
                isinstance(func.value, ast.Name)
                and func.value.id in tables
                and len(node.args) == 2
                and _fixed(node.args[1], names, tables)
            )
        if func.attr in TRANSLATE_CALLS:
            return len(node.args) == 1 and _fixed(node.args[0], names, tables)
    return False


def _module_strings(tree: ast.Module) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A module's string constants (``NAME = "..."``) and tables of them (``NAME = {key: "..."}``)."""
    names: dict[str, str] = {}
    tables: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        value = node.value
        for target in node.targets:
            if not isinstance(target, ast.Name):
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                names[target.id] = value.value
            elif isinstance(value, ast.Dict) and value.values:
                strings = [
                    v.value for v in value.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
                if len(strings) == len(value.values):
                    tables[target.id] = strings
    return names, tables


def _ui_trees() -> list[tuple[Path, ast.Module, dict[str, str], dict[str, list[str]]]]:
    """Each draw or operator module with the constants it can use: its own, then those of the other
    UI modules (``from .modal import CHOOSE_BOTH``)."""
    parsed = [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in UI_SOURCES]
    shared_names: dict[str, str] = {}
    shared_tables: dict[str, list[str]] = {}
    for _path, tree in parsed:
        names, tables = _module_strings(tree)
        shared_names.update(names)
        shared_tables.update(tables)
    result = []
    for path, tree in parsed:
        names, tables = _module_strings(tree)
        result.append((path, tree, {**shared_names, **names}, {**shared_tables, **tables}))
    return result


def poll_messages():
    """(where, argument node, names, tables) of each ``poll_message_set`` call."""
    for path, tree, names, tables in _ui_trees():
        for call in ast.walk(tree):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "poll_message_set"
                and call.args
            ):
                yield f"{path.relative_to(REPO)}:{call.lineno}", call.args[0], names, tables


def description_returns():
    """(where, returned node, names, tables) of each ``return`` of an operator's ``description``
    callback (a tooltip that depends on the operator's properties)."""
    for path, tree, names, tables in _ui_trees():
        for cls in ast.walk(tree):
            if not isinstance(cls, ast.ClassDef):
                continue
            for func in cls.body:
                if isinstance(func, ast.FunctionDef) and func.name == "description":
                    for ret in ast.walk(func):
                        if isinstance(ret, ast.Return) and ret.value is not None:
                            yield f"{path.relative_to(REPO)}:{ret.lineno}", ret.value, names, tables


def _call_context(call: ast.Call) -> str:
    """``layout.operator(..., text=)`` is translated in the operator's context, the rest in the default."""
    func = call.func
    return OPERATOR if isinstance(func, ast.Attribute) and func.attr == "operator" else DEFAULT


def source_strings():
    """(context, msgid, where) for the fixed text the draw and operator code hands to Blender: layout
    text, greyed-out reasons (default context: ``TIP_`` in ``interface_region_tooltip.cc``) and the
    tooltips of ``description`` callbacks."""
    for where, node, names, tables in [*poll_messages(), *description_returns()]:
        for text in _constants(node, names, tables):
            yield DEFAULT, text, where
    for path, tree, names, _tables in _ui_trees():
        # helpers that pass a ``text`` parameter on to a layout item (preferences._download_button)
        helpers: dict[str, tuple[int, str]] = {}
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef) and "text" in [a.arg for a in func.args.args]:
                for call in ast.walk(func):
                    if isinstance(call, ast.Call) and any(
                        k.arg == "text" and isinstance(k.value, ast.Name) and k.value.id == "text"
                        for k in call.keywords
                    ):
                        helpers[func.name] = (
                            [a.arg for a in func.args.args].index("text"),
                            _call_context(call),
                        )
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            where = f"{path.relative_to(REPO)}:{call.lineno}"
            for keyword in call.keywords:
                if keyword.arg in TEXT_KEYWORDS:
                    for text in _constants(keyword.value, names):
                        yield _call_context(call), text, where
            if isinstance(call.func, ast.Name) and call.func.id in helpers:
                index, context = helpers[call.func.id]
                if index < len(call.args):
                    for text in _constants(call.args[index], names):
                        yield context, text, where
            # a fixed word the draw code looks up itself (``iface_("exporting")``, ``pgettext_iface``)
            called = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if called in ("iface_", "pgettext_iface") and call.args:
                for text in _constants(call.args[0], names):
                    yield DEFAULT, text, where


def setup_words():
    """(context, msgid, where) of the words the panel's progress row puts before a running install's
    or download's line (``state.SETUP_WORDS``, shared by the operators and the panel; translated by
    ``pgettext_iface`` when drawn)."""
    from dualtalk.dualtalk_blender.addon import state

    for task, words in state.SETUP_WORDS.items():
        yield DEFAULT, words.running, f"dualtalk_blender/addon/state.py: SETUP_WORDS[{task!r}]"


def declared() -> dict[tuple[str, str], str]:
    """Every translatable (context, msgid) of our interface, with where it comes from."""
    found: dict[tuple[str, str], str] = {}
    for context, msgid, where in [*class_strings(), *source_strings(), *setup_words()]:
        if msgid and re.search("[A-Za-z]", msgid):
            found.setdefault((context, msgid), where)
    return found


# ---------------------------------------------------------------- tests


def test_headless_blender_cannot_switch_language_and_register_does_nothing_there():
    """Why the checks below go through Blender's rules rather than Blender: recorded, so a bpy that
    gains languages makes the international test run instead of skipping."""
    if INTERNATIONAL:
        pytest.skip("this Blender can switch language: test_japanese_interface_through_blender runs instead")
    items = bpy.types.PreferencesView.bl_rna.properties["language"].enum_items.keys()
    assert items == ["DEFAULT"] and bpy.app.translations.locales == ()
    with pytest.raises(TypeError):
        bpy.context.preferences.view.language = "ja_JP"
    assert (
        "Does nothing when Blender is built without internationalization"
        in bpy.app.translations.register.__doc__
    )


def test_the_dictionary_blender_gets_puts_our_japanese_on_the_panel(fake_api, addon):
    """A panel label, an operator label in the operator context, a property name and tooltip, as
    Blender looks them up in the dictionary the add-on registered."""
    tables = [fake_api.registered[translations.NAME]]
    ja = tables[0]["ja_JP"]
    assert OPERATOR == translations.OPERATOR and DEFAULT == translations.DEFAULT
    settings = bpy.types.Scene.bl_rna.properties["dualtalk"].fixed_type
    label = bpy.types.DUALTALK_PT_behaviour.bl_label
    assert blender_lookup(tables, "ja_JP", label) == ja[(DEFAULT, "Behaviour")] != label
    regenerate = bpy.ops.dualtalk.regenerate_range.get_rna_type()
    assert regenerate.translation_context == OPERATOR
    assert blender_lookup(tables, "ja_JP", regenerate.name, OPERATOR) == "プレビュー範囲を再生成"
    assert blender_lookup(tables, "ja_JP", regenerate.name) == regenerate.name  # not in the default context
    char_a = settings.properties["char_a"]
    assert blender_lookup(tables, "ja_JP", char_a.name) == "キャラクターA"
    assert "シェイプキー" in blender_lookup(tables, "ja_JP", char_a.description)
    assert blender_lookup([{"ja": ja}], "ja_JP", char_a.name) == "キャラクターA"  # as Blender explodes ja_JP
    assert blender_lookup(tables, "zh_HANS", char_a.name) == "角色 A"


@pytest.mark.skipif(not INTERNATIONAL, reason=NO_LANGUAGES)
def test_japanese_interface_through_blender(addon, interface_language):
    view = interface_language
    view.language = "ja_JP"
    view.use_translate_interface = view.use_translate_tooltips = True
    tr = bpy.app.translations
    assert tr.pgettext_iface("Character A") == "キャラクターA"
    assert tr.pgettext_iface("Re-generate Preview Range", OPERATOR) == "プレビュー範囲を再生成"
    description = bpy.ops.dualtalk.generate.get_rna_type().description
    assert tr.pgettext_tip(description) == translations.TRANSLATIONS["ja_JP"][(DEFAULT, description)]
    view.language = "en_US"
    assert tr.pgettext_iface("Character A") == "Character A"
    assert tr.pgettext_iface("Re-generate Preview Range", OPERATOR) == "Re-generate Preview Range"


def test_english_stays_english(fake_api, addon, interface_language):
    """No English table: English is the msgid itself, whatever the add-on registered; the
    headless module (English only) gives every string back unchanged."""
    tables = [fake_api.registered[translations.NAME]]
    assert not {"en", "en_US", "en_GB"} & set(tables[0])
    for (context, msgid), _where in declared().items():
        assert blender_lookup(tables, "en_US", msgid, context) == msgid
        if not INTERNATIONAL:
            assert bpy.app.translations.pgettext_iface(msgid, context) == msgid


@pytest.mark.parametrize("locale", sorted(translations.TRANSLATIONS))
def test_every_string_the_interface_declares_is_translated(addon, locale):
    table = translations.TRANSLATIONS[locale]
    missing = {
        key: where
        for key, where in declared().items()
        if key not in table and key[1] not in translations.KEEP
    }
    assert not missing, f"{locale} lacks (add them to dualtalk_blender/addon/translations.py):\n" + "\n".join(
        f"  {where}: {key!r}" for key, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


@pytest.mark.parametrize("locale", sorted(translations.TRANSLATIONS))
def test_no_translation_is_left_for_a_string_the_interface_no_longer_has(addon, locale):
    stale = set(translations.TRANSLATIONS[locale]) - set(declared())
    assert not stale, (
        f"{locale} translates strings no longer in the interface (changed or removed):\n"
        + "\n".join(f"  {key!r}" for key in sorted(stale))
    )


NAME_PATTERN = "|".join(re.escape(name) for name in sorted(translations.NAMES, key=len, reverse=True))
KEPT = re.compile(rf"--[a-z][a-z-]*|~/\.cache/dualtalk|\b(?:{NAME_PATTERN})\b")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def test_text_built_while_drawing_is_never_looked_up_in_a_catalogue():
    """Blender looks every label up in its own catalogue first: a character named "Armature" or a
    status line that happens to be a catalogue word would be shown translated (アーマチュア).
    Text built at run time (names, counts, status lines) says ``translate=False``."""
    built = []
    for path in UI_SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            if call.func.attr not in ("label", "prop", "operator"):
                continue
            text = next((k.value for k in call.keywords if k.arg == "text"), None)
            if (
                text is None
                or isinstance(text, ast.Constant)
                or list(_constants(text, dict.fromkeys(names, "")))
                or (isinstance(text, ast.Name) and text.id == "text")  # a helper's parameter: see its callers
            ):
                continue
            if not any(k.arg == "translate" and isinstance(k.value, ast.Constant) and k.value.value is False
                       for k in call.keywords):  # fmt: skip
                built.append(f"{path.relative_to(REPO)}:{call.lineno}")
    assert not built, f"text built at run time without translate=False: {built}"


def test_every_poll_message_is_a_fixed_string():
    """Blender shows a greyed-out operator's reason as ``TIP_(message)``: looked up whole, in the
    default context. A reason built at run time (``f"a {task} is running"``) is never found in a
    table and stays English: each must be a fixed string, one sentence per case."""
    built = [where for where, node, names, tables in poll_messages() if not _fixed(node, names, tables)]
    assert list(poll_messages()), "no poll_message_set found: the scan no longer sees the operators"
    assert not built, f"poll messages built at run time (make each a fixed string): {built}"


def test_a_description_callback_hands_blender_translated_text():
    """What an operator's ``description`` callback returns is shown untranslated: the callback
    itself looks its (fixed) text up with ``pgettext_tip``."""
    returns = list(description_returns())
    assert returns, "no description callback found: the scan no longer sees them"
    untranslated = [
        where
        for where, node, names, tables in returns
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "pgettext_tip"
            and _fixed(node, names, tables)
        )
    ]
    assert not untranslated, f"description callbacks returning English: {untranslated}"


def test_every_tooltip_is_one_line(addon):
    """Blender keeps a docstring's line breaks and indentation in the tooltip: before, Re-generate's
    read "...; the" then a new line indented four spaces, "rest of the take"."""
    from dualtalk import registration

    for cls in registration.CLASSES:
        if issubclass(cls, bpy.types.Operator):
            text = _operator_rna(cls).description
        elif issubclass(cls, bpy.types.Panel):
            text = cls.bl_rna.description
        else:
            continue
        assert "\n" not in text and "  " not in text, (cls.__name__, text)


@pytest.mark.parametrize("locale", sorted(translations.TRANSLATIONS))
def test_translations_keep_flags_names_and_numbers(locale):
    """A command-line flag, a product or file name, a path and a number read the same in every
    language: a translation that drops or changes one fails here."""
    for (context, msgid), msgstr in translations.TRANSLATIONS[locale].items():
        assert context in (DEFAULT, OPERATOR), (context, msgid)
        assert msgstr.strip() and msgstr != msgid, msgid
        for token in [*KEPT.findall(msgid), *NUMBER.findall(msgid)]:
            assert token in msgstr, f"{locale}: {token!r} lost in the translation of {msgid!r}"


def test_enable_disable_enable_leaves_ours_registered_once(fake_api, tmp_path):
    other = dict(fake_api.registered)
    for _ in range(2):
        ah.fresh_scene_with_addon(tmp_path / "models")
        assert fake_api.registered == {**other, translations.NAME: translations.TRANSLATIONS}
        ah.disable_addon()
        assert fake_api.registered == other  # exactly ours removed, another add-on's kept


def test_a_registration_left_behind_is_replaced_not_an_error(fake_api, tmp_path):
    """An unregister that never ran (Blender crashed mid-disable, a reload): enabling still works."""
    fake_api.registered[translations.NAME] = {"ja_JP": {}}
    ah.fresh_scene_with_addon(tmp_path / "models")
    try:
        assert fake_api.registered[translations.NAME] is translations.TRANSLATIONS
    finally:
        ah.disable_addon()
    assert translations.NAME not in fake_api.registered


def test_the_add_on_loads_in_english_when_translations_cannot_register(monkeypatch, tmp_path, caplog):
    fake = RecordingTranslations(fail=True)
    monkeypatch.setattr(translations, "_api", lambda: fake)
    with caplog.at_level(logging.WARNING):
        scene, _prefs = ah.fresh_scene_with_addon(tmp_path / "models")
        try:
            assert scene.dualtalk.audio_form == "STEREO" and hasattr(bpy.types, "DUALTALK_PT_main")
            assert any(
                "translations" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
            )
        finally:
            ah.disable_addon()  # unregister failing too never stops the disable
    assert not hasattr(bpy.types, "DUALTALK_PT_main")


def test_the_real_module_takes_enable_disable_enable(tmp_path):
    for _ in range(2):
        scene, _prefs = ah.fresh_scene_with_addon(tmp_path / "models")
        assert scene.dualtalk is not None
        ah.disable_addon()


def test_the_animators_words_for_the_script_lip_release_and_turns():
    """Review 27b, finding 9: JA *Transcript* was 書き起こし (a transcription of audio, not the actor's
    script: 台本); *Lip Release* read "lip opening" (唇の開き, 嘴唇张开), not the release of closures
    held over a vowel; ZH *Turns* was 话轮, linguistics jargon."""
    ja, zh = translations.JA_JP, translations.ZH_HANS
    assert ja[(DEFAULT, "Transcript")] == "台本" and ja[(DEFAULT, "Script Language")] == "台本の言語"
    assert not any("書き起こし" in text for text in ja.values())
    assert ja[(DEFAULT, "Lip Release")] == "閉じた唇の解放" and zh[(DEFAULT, "Lip Release")] == "闭唇释放"
    assert zh[(DEFAULT, "Turns")] == "发言轮次" and not any("话轮" in text for text in zh.values())
