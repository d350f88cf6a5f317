"""The add-on's interface in Japanese and Simplified Chinese, through Blender's own translation system.

These translations were written by the DualTalk project team, not by native speakers: review by a
native speaker is welcome (each correction is one line below). Japanese follows the terms of
Blender's own Japanese interface (シェイプキー, アーマチュア, ボーン, アクション, フレーム, シーン, エクスポート,
生成...), Chinese those of Blender's Simplified Chinese one (形态键, 骨架, 骨骼, 动作, 帧, 场景, 导出...).
Product names, file names, command-line flags and numbers stay as they are.

How Blender uses this: with Preferences > Interface > Translation set to a language and
"Interface"/"Tooltips" ticked, every label, button, property name, tooltip and enum item Blender
draws is looked up as (context, English text) first in Blender's own catalogue, then in the tables
add-ons register. Operator labels (and ``layout.operator(text=...)``) use the context ``"Operator"``
(``bpy.app.translations.contexts.operator_default``), everything else the default ``"*"``. A word
Blender's catalogue already has in a context (Cancel, Options, Start...) shows Blender's own
translation, not the one here. Text built while drawing (counts, names, status lines, reports) is
not translated. An operator's reason for being greyed out (``poll_message_set``) is looked up whole,
in the default context, when its tooltip shows it ("Disabled: ..."): each is a fixed sentence here.
What an operator's ``description`` callback returns is shown as it is: Blender does not look it up,
so the callback must return ``bpy.app.translations.pgettext_tip(text)`` for its entry here to show.

Adding a language: copy the ``JA_JP`` table, translate each value, leaving each key exactly as it
is (it is the English Blender looks up; an operator's docstring is its tooltip, joined into one
line at registration), and add the table to ``TRANSLATIONS`` under Blender's code for the language
(``ja_JP``, ``zh_HANS``, ``fr_FR``...: ``bpy.app.translations.locales`` in a Blender with
languages). ``tests/addon/test_addon_translations.py`` fails, naming the string, for any interface
string a table lacks (also when someone adds a label), for an entry whose English the interface no
longer has, and for a flag, product name or number lost in a translation. ``KEEP`` lists the strings
that read the same in every language and need no entry.
"""

from __future__ import annotations

import logging
from typing import Any

NAME = __name__  # what the tables are registered under: only ours is ever unregistered
DEFAULT = "*"  # bpy.app.translations.contexts.default
OPERATOR = "Operator"  # bpy.app.translations.contexts.operator_default: operator labels and buttons

log = logging.getLogger(__name__)

# Strings that read the same in every language (no table needs them).
KEEP = frozenset(
    {"DualTalk", "FBX", "ARKit", "FLAME", "VRM", "MMD", "CPU", "CUDA", "NVIDIA GPU", "DualTalk.pth"}
)

# Names that a translation keeps written as they are (checked by the tests).
NAMES = (
    *sorted(KEEP),
    "GPU",
    "NVIDIA",
    "Python",
    "PyPI",
    "pip",
    "torch",
    "numpy",
    "scipy",
    "soundfile",
    "pocketsphinx",
    "espeak-ng",
    "sudachipy",
    "sudachidict_core",
    "resemblyzer",
    "Hugging Face",
    "GPL",
    "BEAT2",
    "RTTM",
    "Audacity",
    "SRT",
    "WebVTT",
    "URL",
    "sha256",
    "A.npz",
    "B.npz",
)

Table = dict[tuple[str, str], str]

JA_JP: Table = {
    # ---- operators (labels in the "Operator" context; tooltips in the default one)
    (OPERATOR, "Generate"): "生成",
    (
        DEFAULT,
        "Animate both characters from the dialogue audio (runs in the background; Esc or Cancel stops it)",
    ): (
        "対話の音声から2人のキャラクターをアニメーションさせます（バックグラウンドで実行。Escキーか「キャンセル」で停止）"
    ),
    (OPERATOR, "Re-generate Preview Range"): "プレビュー範囲を再生成",
    (
        DEFAULT,
        "Re-generate only the timeline's preview range of the take (cross-faded at both ends); the "
        "rest of the take, other tracks and hand keys on your own layers stay as they are",
    ): (
        "テイクのうちタイムラインのプレビュー範囲だけを再生成します（両端はクロスフェード）。"
        "テイクの残りの部分、他のトラック、自分のレイヤーの手付けのキーはそのまま残ります"
    ),
    (OPERATOR, "Cancel"): "キャンセル",
    (
        DEFAULT,
        "Stop the running DualTalk generation, FBX export, dependency install or download; the scene stays as it was",
    ): (
        "実行中のDualTalkの生成、FBXのエクスポート、依存関係のインストール、またはダウンロードを停止します。"
        "シーンは元のままです"
    ),
    (OPERATOR, "Apply Take"): "テイクを適用",
    (
        DEFAULT,
        "Key a take kept on disk (a folder with A.npz and B.npz) onto the characters it was made for (else "
        "the panel's) with the settings it was made with (or the panel's), e.g. the take kept when a character "
        "was deleted while generating",
    ): (
        "ディスクに保存されたテイク（A.npzとB.npzのあるフォルダー）を、作成時の設定（またはパネルの設定）で、"
        "テイクを作成したキャラクター（いなければパネルのキャラクター）にキー挿入します"
        "（生成中にキャラクターが削除されたときに保存されたテイクなど）"
    ),
    (DEFAULT, "Settings"): "設定",
    (DEFAULT, "As Made"): "作成時のまま",
    (
        DEFAULT,
        "The settings the take was made with, as its folder records them (the panel's for any it does not)",
    ): "テイクを作成したときの設定（フォルダーに記録されたもの。記録のない設定はパネルのもの）",
    (DEFAULT, "Panel's"): "パネルの設定",
    (DEFAULT, "The panel's settings now, as Generate would use them"): "生成と同じく、パネルの現在の設定",
    (OPERATOR, "Clear Recognised Words"): "聞き取った言葉を消去",
    (
        DEFAULT,
        "Delete the words Recognise Words kept (a range or a take run again reads them instead of "
        "recognising the recording again); only the files DualTalk wrote there go",
    ): (
        "「言葉を聞き取る」で保存された言葉を削除します（範囲や同じテイクを再生成するとき、録音を聞き取り"
        "直す代わりにこれを読みます）。削除するのは DualTalk がそこに書いたファイルだけです"
    ),
    (OPERATOR, "Clear Recording Cues"): "録音の手がかりを消去",
    (
        DEFAULT,
        "Delete the recording cues takes kept (a re-generated range reads them instead of reading its "
        "whole recording again); only the files DualTalk wrote there go",
    ): (
        "テイクが保存した録音の手がかりを削除します（範囲を再生成するとき、録音全体を読み直す代わりに"
        "これを読みます）。削除するのは DualTalk がそこに書いたファイルだけです"
    ),
    (OPERATOR, "Clear Words and Cues"): "言葉と手がかりを消去",
    (
        DEFAULT,
        "Delete both the recognised words and the recording cues DualTalk kept between runs; only the "
        "files DualTalk wrote there go",
    ): (
        "DualTalk が実行の間に保存した、聞き取った言葉と録音の手がかりの両方を削除します。削除するのは "
        "DualTalk がそこに書いたファイルだけです"
    ),
    (OPERATOR, "Delete Saved Takes"): "保存したテイクを削除",
    (
        DEFAULT,
        "Delete the takes kept in the temp folder (when a character or the scene was deleted while "
        "generating, or keying failed); a folder holding anything else is left alone",
    ): (
        "一時フォルダーに保存されたテイク（生成中にキャラクターやシーンが削除されたとき、またはキー挿入に"
        "失敗したときのもの）を削除します。ほかのものを含むフォルダーには手を付けません"
    ),
    (DEFAULT, "Delete Kept Takes After (days)"): "保存したテイクを削除するまでの日数",
    (
        DEFAULT,
        "When the add-on starts, delete the takes kept in the temp folder last changed this many days "
        "ago (never one the open file uses or a running Blender kept); 0: never",
    ): (
        "アドオンの起動時に、一時フォルダーに保存されたテイクのうち最後の変更からこの日数が過ぎたものを"
        "削除します（開いているファイルが使うものや、実行中の Blender が保存したものは削除しません）。0: 削除しない"
    ),
    (OPERATOR, "Export FBX"): "FBXをエクスポート",
    (DEFAULT, "Export both characters with their animation and shape keys to FBX (Esc cancels)"): (
        "2人のキャラクターをアニメーションとシェイプキーごとFBXにエクスポートします（Escでキャンセル）"
    ),
    (OPERATOR, "Remove Take"): "テイクを削除",
    (
        DEFAULT,
        "Remove the DualTalk take from the chosen characters: where the file keeps another take of theirs "
        "whose recording is found, that take plays again (the one that played last); else DualTalk's "
        "tracks, actions, markers and sound strips of the take go and the action DualTalk kept below it "
        "plays as before. Your own tracks, actions, keys and drivers stay; keys edited by hand inside the "
        "take's own layers go with the take (the confirmation names them)",
    ): (
        "選んだキャラクターからDualTalkのテイクを削除します。録音が見つかる別のテイクがファイルに残って"
        "いれば、そのテイク（最後に再生していたもの）が再び再生されます。なければテイクのDualTalkの"
        "トラック、アクション、マーカー、サウンドストリップが削除され、DualTalkがその下に残しておいた"
        "アクションが以前どおり再生されます。自分のトラック、アクション、キー、ドライバーはそのまま残ります。"
        "テイク自身のレイヤー内で手動編集したキーはテイクと一緒に削除されます（確認画面に表示されます）"
    ),
    (DEFAULT, "Character"): "キャラクター",
    (DEFAULT, "Both"): "両方",
    (DEFAULT, "Every chosen character that carries a take"): "テイクを持つ、選んだすべてのキャラクター",
    (DEFAULT, "Only Character A"): "キャラクターAのみ",
    (DEFAULT, "Only Character B"): "キャラクターBのみ",
    (DEFAULT, "Remove Take"): "テイクを削除",  # the confirmation's title
    (DEFAULT, "Remove"): "削除",  # the confirmation's button
    (OPERATOR, "Play Take"): "テイクを使用",
    (
        DEFAULT,
        "Play an earlier take the file keeps (made under another Take name) on the chosen characters "
        "instead of the one playing, which stays in the file; your tracks, keys and the layers' influence stay",
    ): (
        "ファイルに残っている以前のテイク（別のテイク名で作成したもの）を、使用中のテイクの代わりに選んだ"
        "キャラクターで使用します。使用中だったテイクはファイルに残ります。自分のトラック、キー、"
        "レイヤーの影響度はそのまま残ります"
    ),
    (DEFAULT, "The take's name"): "テイクの名前",
    (OPERATOR, "Play"): "使用",
    (DEFAULT, "Take"): "テイク",
    (
        DEFAULT,
        "Name of the take Generate makes: the same name replaces it; a new name keeps the earlier take in "
        "the file, listed under Takes, to compare and play again",
    ): (
        "「生成」で作るテイクの名前。同じ名前なら置き換え、新しい名前なら以前のテイクをファイルに残し"
        "（「このファイルのテイク」に表示）、比較したり再び使用したりできます"
    ),
    (DEFAULT, "Takes in this file"): "このファイルのテイク",
    (DEFAULT, "playing"): "使用中",
    (OPERATOR, "Use Take's Settings"): "テイクの設定を使用",
    (
        DEFAULT,
        "Fill the panel from the take the characters play: its name (Generate then replaces it), the "
        "characters, the audio form, files, part, turns file and speaker, and keys it was made with, where "
        "the take records them and its files are found; nothing is keyed",
    ): (
        "キャラクターが使用中のテイクからパネルを設定します。テイクが記録していてファイルが見つかる範囲で、"
        "テイク名（次の「生成」でそのテイクを置き換えます）、キャラクター、音声の形式、ファイル、録音の一部、ターンのファイルと話者、キーを作成時のとおりにします。"
        "キーは挿入しません"
    ),
    (DEFAULT, "The panel's settings are not the take's"): "パネルの設定はテイクの設定と異なります",
    (OPERATOR, "Check Python"): "Pythonを確認",
    (DEFAULT, "Check that the inference Python can import torch, numpy<2, scipy and soundfile"): (
        "推論用のPythonがtorch、numpy<2、scipy、soundfileをインポートできるか確認します"
    ),
    (OPERATOR, "Install Dependencies"): "依存関係をインストール",
    (
        DEFAULT,
        "Create a private Python environment in the model folder and install torch, numpy<2, scipy, "
        "soundfile, pocketsphinx and the voice encoder for automatic speaker separation (resemblyzer) "
        "from the package index (needs Allow Online Access, unless the index is on this machine)",
    ): (
        "モデルフォルダーに専用のPython環境を作り、パッケージインデックスからtorch、numpy<2、scipy、soundfile、"
        "pocketsphinxと、話者の自動分離に使う音声エンコーダー（resemblyzer）をインストールします"
        "（インデックスがこのマシン上にある場合を除き「オンラインアクセスを許可」が必要）"
    ),
    (DEFAULT, "Packages"): "パッケージ",
    (DEFAULT, "Space-separated pip requirements to install instead of the default set (advanced)"): (
        "デフォルトのセットの代わりにインストールするpipの要件（スペース区切り。上級者向け）"
    ),
    (OPERATOR, "Download"): "ダウンロード",
    (
        DEFAULT,
        "Download the DualTalk checkpoint or the FLAME map into the model folder (resumable, sha256-checked)",
    ): "DualTalkのチェックポイントかFLAMEマップをモデルフォルダーにダウンロードします（再開可能、sha256で検証）",
    (DEFAULT, "Checkpoint"): "チェックポイント",
    (DEFAULT, "FLAME map"): "FLAMEマップ",
    (DEFAULT, "ARKit/FLAME linear map"): "ARKit/FLAMEの線形マップ",
    # (the Download buttons' own tooltips, from the operator's description callback)
    (
        DEFAULT,
        "Download the published DualTalk.pth into the model folder (resumable, sha256-checked). "
        "The weights are the DualTalk authors', under the authors' terms, which you must check "
        "before use; this add-on does not redistribute them",
    ): (
        "公開されているDualTalk.pthをモデルフォルダーにダウンロードします（再開可能、sha256で検証）。"
        "重みはDualTalkの作者のもので、作者の条件に従います。使用前に必ず確認してください。"
        "このアドオンは重みを再配布しません"
    ),
    (
        DEFAULT,
        "Download the ARKit/FLAME map from the URL given into the model folder (resumable, "
        "sha256-checked). Such a map (e.g. from the BEAT2 tools) may carry a non-commercial "
        "licence: check it before use",
    ): (
        "指定したURLからARKit/FLAMEマップをモデルフォルダーにダウンロードします（再開可能、sha256で検証）。"
        "このようなマップ（BEAT2のツールのものなど）は非商用ライセンスのことがあります。使用前に確認してください"
    ),
    # ---- why an operator is greyed out (poll_message_set: the tooltip's "Disabled: ..." line)
    (DEFAULT, "open a scene first"): "先にシーンを開いてください",
    (DEFAULT, "open a scene with the DualTalk panel first"): "先にDualTalkパネルのあるシーンを開いてください",
    (DEFAULT, "choose both characters (A and B)"): "両方のキャラクター（AとB）を選んでください",
    (DEFAULT, "wait for the running generation to end (or cancel it)"): (
        "実行中の生成が終わるまで待ってください（またはキャンセルしてください）"
    ),
    (DEFAULT, "an FBX export is running; wait for it to end or press Esc to cancel it"): (
        "FBXのエクスポートを実行中です。終わるまで待つか、Escでキャンセルしてください"
    ),
    (DEFAULT, "exporting"): "エクスポート中",
    (
        DEFAULT,
        "no DualTalk generation, FBX export, install or download is running; there is nothing to cancel",
    ): (
        "実行中のDualTalkの生成、FBXのエクスポート、インストール、ダウンロードはありません。キャンセルするものはありません"
    ),
    (
        DEFAULT,
        "an install is running; wait for it to end or cancel it (Cancel under its progress in the 3D "
        "Viewport's DualTalk panel or the add-on's preferences)",
    ): (
        "インストールが実行中です。終わるまで待つか、キャンセルしてください"
        "（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」）"
    ),
    (
        DEFAULT,
        "an install is running (a generation could load half-installed packages); wait for it to end "
        "or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences)",
    ): (
        "インストールが実行中です（生成がインストール途中のパッケージを読み込むおそれがあります）。終わるまで待つか、"
        "キャンセルしてください（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」）"
    ),
    (
        DEFAULT,
        "a download is running; wait for it to end or cancel it (Cancel under its progress in the "
        "3D Viewport's DualTalk panel or the add-on's preferences)",
    ): (
        "ダウンロードが実行中です。終わるまで待つか、"
        "キャンセルしてください（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」）"
    ),
    (
        DEFAULT,
        "an install is already running; wait for it to end or cancel it "
        "(Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences, "
        "or Esc in the window it was started from)",
    ): "インストールがすでに実行中です。終わるまで待つか、キャンセルしてください（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」、または開始したウィンドウでEscキー）",
    (
        DEFAULT,
        "a download is already running; wait for it to end or cancel it "
        "(Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences, "
        "or Esc in the window it was started from)",
    ): "ダウンロードがすでに実行中です。終わるまで待つか、キャンセルしてください（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」、または開始したウィンドウでEscキー）",
    (
        DEFAULT,
        "a generation is already running; wait for it to end or cancel it "
        "(Cancel in the DualTalk panel of the 3D Viewport, or Esc in the window it was started from)",
    ): (
        "生成がすでに実行中です。終わるまで待つか、キャンセルしてください"
        "（3DビューポートのDualTalkパネルの「キャンセル」、または開始したウィンドウでEscキー）"
    ),
    (
        DEFAULT,
        "an install is already running (it carried on when another file was opened); "
        "wait for it to end or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel "
        "or the add-on's preferences)",
    ): "インストールがすでに実行中です（別のファイルを開いたときも続行しています）。終わるまで待つか、キャンセルしてください（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」）",
    (
        DEFAULT,
        "a download is already running (it carried on when another file was opened); "
        "wait for it to end or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel "
        "or the add-on's preferences)",
    ): "ダウンロードがすでに実行中です（別のファイルを開いたときも続行しています）。終わるまで待つか、キャンセルしてください（3DビューポートのDualTalkパネルまたはアドオンのプリファレンスの進行状況の下の「キャンセル」）",
    (
        DEFAULT,
        "a generation is already running (it carried on when another file was opened); "
        "wait for it to end or cancel it (Cancel in the DualTalk panel of the 3D Viewport)",
    ): (
        "生成がすでに実行中です（別のファイルを開いたときも続行しています）。終わるまで待つか、"
        "キャンセルしてください（3DビューポートのDualTalkパネルの「キャンセル」）"
    ),
    (
        DEFAULT,
        "a job is already running; wait for it to end",
    ): "処理がすでに実行中です。終わるまで待ってください",
    # ---- the sidebar panel and its sub-panel
    (DEFAULT, "Behaviour"): "しぐさ",
    (DEFAULT, "installing dependencies"): "依存関係をインストール中",
    (DEFAULT, "downloading"): "ダウンロード中",
    (DEFAULT, "Blinks, eye contact, head motion and nods, brows and smiles added after the engine."): (
        "エンジンの後に加える、まばたき、アイコンタクト、頭の動きとうなずき、眉と笑顔。"
    ),
    (DEFAULT, "Characters"): "キャラクター",
    (
        DEFAULT,
        "not in this scene (deleted?); choose it again",
    ): "このシーンにありません（削除された？）。選び直してください",
    (DEFAULT, "Form"): "形式",
    (DEFAULT, "Audio A"): "オーディオA",
    (DEFAULT, "Options"): "オプション",
    (DEFAULT, "working"): "処理中",
    (OPERATOR, "Apply Saved Take..."): "保存したテイクを適用...",
    (DEFAULT, "Layers"): "レイヤー",
    # ---- panel settings: characters and audio
    (DEFAULT, "Character A"): "キャラクターA",
    (DEFAULT, "Mesh with shape keys (or its armature) voiced by speaker A"): (
        "話者Aの声で動かす、シェイプキーを持つメッシュ（またはそのアーマチュア）"
    ),
    (DEFAULT, "Character B"): "キャラクターB",
    (DEFAULT, "Mesh with shape keys (or its armature) voiced by speaker B"): (
        "話者Bの声で動かす、シェイプキーを持つメッシュ（またはそのアーマチュア）"
    ),
    (DEFAULT, "Audio"): "オーディオ",
    (DEFAULT, "How the two voices are recorded"): "2人の声の録音のしかた",
    (DEFAULT, "Stereo file"): "ステレオファイル",
    (
        DEFAULT,
        "One file; left channel is A, right channel is B",
    ): "1つのファイル。左チャンネルがA、右チャンネルがB",
    (DEFAULT, "Two files"): "2つのファイル",
    (DEFAULT, "One file per speaker, same length"): "話者ごとに1つのファイル（同じ長さ）",
    (DEFAULT, "Mono + turns"): "モノラル + ターン",
    (DEFAULT, "One mixed recording plus a file saying who speaks when"): (
        "ミックスした1つの録音と、誰がいつ話すかを記したファイル"
    ),
    (DEFAULT, "Mono, automatic"): "モノラル（自動）",
    (
        DEFAULT,
        "One mixed recording; speakers separated automatically",
    ): "ミックスした1つの録音。話者は自動で分離",
    (
        DEFAULT,
        "The dialogue recording: the stereo file (left channel A, right channel B), speaker A's own "
        "file (Two files) or the mono mix",
    ): (
        "対話の録音: ステレオファイル（左チャンネルがA、右チャンネルがB）、"
        "話者A自身のファイル（「2つのファイル」）、またはモノラルのミックス"
    ),
    (DEFAULT, "Audio B"): "オーディオB",
    (
        DEFAULT,
        "Speaker B's own file (then Audio is A's)",
    ): "話者B自身のファイル（このとき「オーディオ」はAのファイル）",
    (DEFAULT, "B Starts Earlier By"): "Bの先行時間",
    (
        DEFAULT,
        "With Two files: B's file starts this many seconds before A's (its recorder was started earlier; "
        "negative: later); B is shifted by that much. A warning gives the value when the files' bleed "
        "shows it (0: not shifted)",
    ): (
        "「2つのファイル」使用時: BのファイルがAのファイルより何秒早く始まるか（Bの録音を先に開始した場合。"
        "負の値: 後に開始）。Bはその分ずらされます。ファイル間の音のかぶりから値が分かるときは警告で示します"
        "（0: ずらさない）"
    ),
    (DEFAULT, "Turns"): "ターン",
    (DEFAULT, "Who speaks when in a mono mix: RTTM, Audacity labels, SRT or WebVTT"): (
        "モノラルのミックスで誰がいつ話すか: RTTM、Audacityのラベル、SRT、WebVTT"
    ),
    (DEFAULT, "Speaker A"): "話者A",
    (DEFAULT, "With Mono + turns: the speaker to animate as A (none: the first speaker)"): (
        "「モノラル + ターン」使用時: Aとしてアニメーションさせる話者（空欄: 最初の話者）"
    ),
    (DEFAULT, "Swap A/B"): "A/Bを入れ替え",
    (DEFAULT, "Exchange speakers A and B"): "話者AとBを入れ替えます",
    (DEFAULT, "Transcript"): "台本",
    (
        DEFAULT,
        "What the characters say, one line per turn (A: text / B: text), written in Script Language "
        "(default English): the lips are drawn from its phones, aligned to each voice",
    ): (
        "キャラクターのセリフ。1ターン1行（A: テキスト / B: テキスト）、「台本の言語」で書きます"
        "（デフォルト: 英語）。その音素から唇の形を作り、それぞれの声に合わせます"
    ),
    (DEFAULT, "Script Language"): "台本の言語",
    (DEFAULT, "Script Language B"): "Bの台本の言語",
    (
        DEFAULT,
        "The language B's lines are written in, when the two characters speak different languages "
        "(Same as A: the Script Language above)",
    ): "Bのセリフを書いた言語。2人のキャラクターが別の言語で話すときに選びます（Aと同じ: 上の「台本の言語」）",
    (
        DEFAULT,
        "B's lines are written in the Script Language above",
    ): "Bのセリフも上の「台本の言語」で書かれています",
    (DEFAULT, "Recognise Words (English)"): "言葉を聞き取る（英語）",
    (
        DEFAULT,
        "Without a transcript, recognise what each character says (English only) and draw the lips from "
        "those words; slower, and a misheard stretch keeps the engine's lips",
    ): (
        "台本がないとき、各キャラクターの言葉を聞き取り（英語のみ）、その言葉から唇の形を作ります。"
        "時間がかかり、聞き違えた部分はエンジンの唇の動きのままになります"
    ),
    (
        DEFAULT,
        "The language the transcript is written in (with the wrong one its words may not align, and "
        "the engine's lips are kept)",
    ): (
        "台本を書いた言語（違う言語にすると言葉を声に合わせられず、"
        "エンジンの唇の動きのままになることがあります）"
    ),
    (DEFAULT, "English"): "英語",
    (DEFAULT, "Spanish"): "スペイン語",
    (DEFAULT, "French"): "フランス語",
    (DEFAULT, "German"): "ドイツ語",
    (DEFAULT, "Italian"): "イタリア語",
    (DEFAULT, "Portuguese (Brazil)"): "ポルトガル語（ブラジル）",
    (DEFAULT, "Portuguese (Portugal)"): "ポルトガル語（ポルトガル）",
    (DEFAULT, "Dutch"): "オランダ語",
    (DEFAULT, "Polish"): "ポーランド語",
    (DEFAULT, "Swedish"): "スウェーデン語",
    (DEFAULT, "Russian"): "ロシア語",
    (DEFAULT, "Turkish"): "トルコ語",
    (DEFAULT, "Arabic"): "アラビア語",
    (DEFAULT, "Hindi"): "ヒンディー語",
    (DEFAULT, "Mandarin"): "中国語（普通話）",
    (DEFAULT, "Japanese"): "日本語",
    (DEFAULT, "Korean"): "韓国語",
    (
        DEFAULT,
        "Aligned by pocketsphinx, a model of English speech",
    ): "英語の音声モデルpocketsphinxで合わせます",
    (
        DEFAULT,
        "Aligned by warping espeak-ng's reading of each line onto the voice",
    ): "espeak-ngによる各行の読み上げを、声に合わせて時間方向に伸縮させて合わせます",
    (DEFAULT, "Write it in kana (espeak-ng cannot read kanji), or let kanji be read:"): (
        "かなで書いてください（espeak-ngは漢字を読めません）。漢字を読ませるには:"
    ),
    (
        DEFAULT,
        "pip install sudachipy sudachidict_core (the add-on's Install dependencies adds them)",
    ): "pip install sudachipy sudachidict_core（アドオンの「依存関係をインストール」で入ります）",
    (DEFAULT, "Part of the recording"): "録音の一部",
    (DEFAULT, "Only animate from Start to End"): "「開始」から「終了」までだけをアニメーションさせます",
    (DEFAULT, "Start"): "開始",
    (DEFAULT, "Animate from this many seconds into the audio (0: from the beginning)"): (
        "オーディオの何秒目からアニメーションさせるか（0: 先頭から）"
    ),
    (DEFAULT, "End"): "終了",
    (DEFAULT, "Animate up to this many seconds into the audio (0: to the end)"): (
        "オーディオの何秒目までアニメーションさせるか（0: 最後まで）"
    ),
    # ---- panel settings: engine
    (DEFAULT, "Engine"): "エンジン",
    (DEFAULT, "Network (default: auto)"): "使うネットワーク（デフォルト: 自動）",
    (DEFAULT, "Auto"): "自動",
    (DEFAULT, "The checkpoint's network if one is chosen, else the embedded model"): (
        "チェックポイントを選んでいればそのネットワーク、なければ内蔵モデル"
    ),
    (DEFAULT, "The published DualTalk network (FLAME output); needs the checkpoint"): (
        "公開版のDualTalkネットワーク（FLAME出力）。チェックポイントが必要"
    ),
    (DEFAULT, "Embedded (Lite)"): "内蔵 (Lite)",
    (
        DEFAULT,
        "The small bundled lite model (ARKit output); works offline",
    ): "同梱の小さなliteモデル（ARKit出力）。オフラインで動作",
    (DEFAULT, "Published DualTalk.pth (or lite weights); none -> embedded lite model"): (
        "公開版のDualTalk.pth（またはliteの重み）。なし -> 内蔵のliteモデル"
    ),
    (DEFAULT, "Device"): "デバイス",
    (
        DEFAULT,
        "Where the engine runs: Auto takes the NVIDIA GPU when there is one, else the processor",
    ): "エンジンを実行する場所: 自動ではNVIDIA GPUがあればそれを、なければプロセッサーを使います",
    (DEFAULT, "GPU if available"): "使えればGPU",
    (DEFAULT, "Processor"): "プロセッサー",
    (DEFAULT, "Rounds"): "ラウンド数",
    (DEFAULT, "Dialogue refinement rounds, 1-20 (default 2) (0: the default)"): (
        "対話の推論を練り直す回数、1～20（デフォルト 2）（0: デフォルト）"
    ),
    (DEFAULT, "Lip Release"): "閉じた唇の解放",
    (
        DEFAULT,
        "Lite engine: lips held shut over a vowel-like sound open this far, 0 (off) to 1 (default 0.75)",
    ): "liteエンジン: 母音のような音の間も閉じたままの唇をこの程度開く、0（オフ）～1（デフォルト 0.75）",
    (DEFAULT, "Lip Rounding"): "唇の丸め",
    (
        DEFAULT,
        "Lite engine: how far the lips round on oo and oh sounds, read from the voice, 0 (off) to 1 "
        "(default 0.5)",
    ): (
        "liteエンジン: 「う」「お」の音で唇をどれだけ丸めるか（声から読み取ります）、"
        "0（オフ）～1（デフォルト 0.5）"
    ),
    # ---- panel settings: options
    (DEFAULT, "Rig"): "リグ",
    (DEFAULT, "How motion channels find shape keys and bones (default: auto-detect)"): (
        "モーションのチャンネルがシェイプキーとボーンを見つける方法（デフォルト: 自動検出）"
    ),
    (DEFAULT, "Auto-detect"): "自動検出",
    (
        DEFAULT,
        "Pick the preset whose names match most shape keys",
    ): "名前が最も多くのシェイプキーに一致するプリセットを選ぶ",
    (DEFAULT, "52 ARKit blendshapes (also mixamorig:/CC_Base_ prefixes and case variants)"): (
        "ARKitの52のブレンドシェイプ（mixamorig:/CC_Base_の接頭辞や大文字小文字の違いも可）"
    ),
    (
        DEFAULT,
        "FLAME add-on rig: Exp* keys plus jaw/neck bones",
    ): "FLAMEアドオンのリグ: Exp*キーと顎/首のボーン",
    (DEFAULT, "VRM expressions (aa, ih, ou, ee, oh, blink, happy...)"): (
        "VRMのエクスプレッション（aa, ih, ou, ee, oh, blink, happy...）"
    ),
    (DEFAULT, "MMD Japanese morphs"): "MMDの日本語名のモーフ",
    (DEFAULT, "Map file"): "マップファイル",
    (
        DEFAULT,
        "Custom channel -> shape key/bone map of both characters, but one with its own (A's map file, "
        "B's map file); overrides Rig",
    ): (
        "両方のキャラクターのチャンネル -> シェイプキー/ボーンの独自のマップ（自分のマップを持つキャラクター"
        "（「Aのマップファイル」「Bのマップファイル」）を除く）。「リグ」より優先"
    ),
    (DEFAULT, "A's map file"): "Aのマップファイル",
    (DEFAULT, "Character A's own custom map, instead of Map file (overrides Rig for A)"): (
        "キャラクターA自身の独自のマップ。「マップファイル」の代わりに使います（Aでは「リグ」より優先）"
    ),
    (DEFAULT, "B's map file"): "Bのマップファイル",
    (DEFAULT, "Character B's own custom map, instead of Map file (overrides Rig for B)"): (
        "キャラクターB自身の独自のマップ。「マップファイル」の代わりに使います（Bでは「リグ」より優先）"
    ),
    (DEFAULT, "A's up axis"): "Aの上方向の軸",
    (
        DEFAULT,
        "Which way character A's rig is up, for turning its head (a rig from Maya whose head rolls where "
        "it should turn: set Z)",
    ): "キャラクターAのリグでどの軸が上か。頭を回すのに使います（回るべきところで頭が傾くMayaのリグ: Zに設定）",
    (DEFAULT, "B's up axis"): "Bの上方向の軸",
    (
        DEFAULT,
        "Which way character B's rig is up, for turning its head (a rig from Maya whose head rolls where "
        "it should turn: set Z)",
    ): "キャラクターBのリグでどの軸が上か。頭を回すのに使います（回るべきところで頭が傾くMayaのリグ: Zに設定）",
    (
        DEFAULT,
        "Read from the rig: the neck to head chain, else the armature standing Y-up, else the head bone",
    ): (
        "リグから読み取ります: 首から頭へのチェーン、なければY軸を上にして立つアーマチュア、なければ頭のボーン"
    ),
    (DEFAULT, "Y up"): "Yが上",
    (DEFAULT, "The rig's Y axis is up"): "リグのY軸が上",
    (DEFAULT, "Z up"): "Zが上",
    (DEFAULT, "The rig's Z axis is up, as Blender's own"): "リグのZ軸が上（Blender自身と同じ）",
    (DEFAULT, "Mouth"): "口",
    (DEFAULT, "Brows"): "眉",
    (DEFAULT, "Eyes"): "目",
    (DEFAULT, "Cheeks"): "頬",
    (DEFAULT, "Head"): "頭",
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (mouth)"): (
        "グループのアニメーションの倍率、1 = 生成どおり: 口/眉/目/頬/頭（口）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (brows)"): (
        "グループのアニメーションの倍率、1 = 生成どおり: 口/眉/目/頬/頭（眉）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (eyes)"): (
        "グループのアニメーションの倍率、1 = 生成どおり: 口/眉/目/頬/頭（目）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (cheeks)"): (
        "グループのアニメーションの倍率、1 = 生成どおり: 口/眉/目/頬/頭（頬）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (head)"): (
        "グループのアニメーションの倍率、1 = 生成どおり: 口/眉/目/頬/頭（頭）"
    ),
    (DEFAULT, "Smoothing"): "スムージング",
    (
        DEFAULT,
        "Temporal smoothing: Gaussian sigma in 25-fps frames (0 = off, 1-2 = gentle; the behaviour layer's "
        "blinks stay sharp)",
    ): "時間方向のスムージング: 25fpsのフレーム単位のガウスのシグマ（0 = オフ、1～2 = 弱め。しぐさレイヤーのまばたきは鋭いまま）",
    (DEFAULT, "Blink Amount"): "まばたきの量",
    (DEFAULT, "Procedural Blinks"): "自動生成のまばたき",
    (
        DEFAULT,
        "Whether the characters blink. Auto and On: the Behaviour panel's blinks (its Blink Amount); "
        "Off: no blinks at all",
    ): (
        "キャラクターがまばたきするかどうか。自動とオン: 「しぐさ」パネルのまばたき"
        "（その「まばたきの量」）。オフ: まばたきを一切しない"
    ),
    (
        DEFAULT,
        "The Behaviour panel's blinks; a take saved by an older DualTalk without them gets blinks "
        "only if the published network made it",
    ): (
        "「しぐさ」パネルのまばたき。まばたきのない、古いDualTalkで保存したテイクには、"
        "公開版のネットワークで作ったものにだけまばたきを加えます"
    ),
    (DEFAULT, "On"): "オン",
    (
        DEFAULT,
        "The Behaviour panel's blinks; a take saved by an older DualTalk without them gets blinks too",
    ): "「しぐさ」パネルのまばたき。まばたきのない、古いDualTalkで保存したテイクにもまばたきを加えます",
    (DEFAULT, "Off"): "オフ",
    (
        DEFAULT,
        "No blinks at all, whatever the Behaviour panel says",
    ): "「しぐさ」パネルの設定にかかわらず、まばたきを一切しない",
    (DEFAULT, "Keys"): "キー",
    (
        DEFAULT,
        "How many keys the take gets: one per frame, or far fewer (easier to edit) that stay within "
        "0.01 on weights and 0.1 degrees on rotations",
    ): (
        "テイクに打つキーの数: 毎フレーム1つ、またはずっと少なく（編集しやすい）、"
        "誤差はウェイトで0.01、回転で0.1度以内"
    ),
    (DEFAULT, "Every frame"): "全フレーム",
    (DEFAULT, "One key per frame on every curve: exactly the engine's output"): (
        "すべてのカーブに毎フレーム1つのキー。エンジンの出力そのまま"
    ),
    (DEFAULT, "Reduced"): "削減",
    (DEFAULT, "Far fewer keys, within 0.01 on shape-key weights and 0.1 degrees on rotations"): (
        "キーがずっと少なく、誤差はシェイプキーのウェイトで0.01、回転で0.1度以内"
    ),
    (DEFAULT, "Turn markers"): "ターンマーカー",
    (DEFAULT, "Timeline markers at turn changes"): "話者が交代する位置のタイムラインマーカー",
    (DEFAULT, "Sound strip"): "サウンドストリップ",
    (DEFAULT, "Place the audio in the sequencer (off: none, and an earlier take's strip is removed)"): (
        "オーディオをシーケンサーに配置（オフ: 配置せず、以前のテイクのストリップは削除）"
    ),
    # ---- panel settings: behaviour
    (DEFAULT, "Mood"): "ムード",
    (
        DEFAULT,
        "Neutral (default), friendly, serious or animated",
    ): "ニュートラル（デフォルト）、フレンドリー、シリアス、生き生き",
    (DEFAULT, "Neutral"): "ニュートラル",
    (DEFAULT, "Calibrated to how people behave in conversation"): "会話中の人のふるまいに合わせて調整",
    (DEFAULT, "Friendly"): "フレンドリー",
    (DEFAULT, "More nods, a light smile while listening, a little more eye contact"): (
        "うなずきが多く、聞いている間は軽い笑顔、アイコンタクトが少し多め"
    ),
    (DEFAULT, "Serious"): "シリアス",
    (
        DEFAULT,
        "Smaller head motion, fewer brow raises, no smile",
    ): "頭の動きが小さく、眉上げが少なく、笑顔なし",
    (DEFAULT, "Animated"): "生き生き",
    (DEFAULT, "Much larger head motion, more brows and nods"): "頭の動きがずっと大きく、眉とうなずきが多め",
    (DEFAULT, "B's Mood"): "Bのムード",
    (
        DEFAULT,
        "Character B's own mood when it differs from A's (Mood): same (default), neutral, friendly, "
        "serious or animated",
    ): "Aのムード（「ムード」）と違うときのキャラクターB自身のムード: 同じ（デフォルト）、ニュートラル、フレンドリー、シリアス、生き生き",
    (DEFAULT, "Same as A"): "Aと同じ",
    (DEFAULT, "B behaves in the mood set for A"): "BはAに設定したムードでふるまいます",
    (DEFAULT, "Seed"): "シード",
    (
        DEFAULT,
        "Seed of the blinks, glances and nods: same seed, same performance (default 0). A seed from "
        "2147483648 to 4294967295 (command line, shot file) is typed minus 4294967296: 3000000000 as "
        "-1294967296",
    ): (
        "まばたき、視線、うなずきのシード。同じシードなら同じ演技になります（デフォルト 0）。"
        "2147483648～4294967295のシード（コマンドライン、ショットファイル）は4294967296を引いて入力します。"
        "例: 3000000000は-1294967296"
    ),
    (DEFAULT, "Gaze Amount"): "視線の量",
    (DEFAULT, "Head Motion Amount"): "頭の動きの量",
    (DEFAULT, "Brow Amount"): "眉の動きの量",
    (
        DEFAULT,
        "Glances at the partner and away: 0 = none (as Eye contact off), 1 = as people do, 2 = looks "
        "away twice as far",
    ): (
        "相手を見たり目をそらしたりする視線: 0 = なし（「アイコンタクト」オフと同じ）、"
        "1 = 人と同じように、2 = 目をそらす角度が2倍"
    ),
    (
        DEFAULT,
        "How often the eyes blink: 0 = no blinks, 1 = as often as people do in conversation, 2 = up "
        "to twice as often",
    ): "まばたきの頻度: 0 = まばたきなし、1 = 会話中の人と同じ頻度、2 = 最大2倍の頻度",
    (
        DEFAULT,
        "Head beats, sway and listener nods added to the engine's own head motion: 0 = none added, "
        "1 = as people do, 2 = twice as large. Options > Head scales all head motion",
    ): (
        "エンジン自身の頭の動きに加える、頭の拍子、揺れ、聞き手のうなずき: 0 = 加えない、"
        "1 = 人と同じように、2 = 2倍の大きさ。頭の動き全体は「オプション > 頭」で調整します"
    ),
    (
        DEFAULT,
        "Brow raises and smiles (at laughs, and the mood's smile): 0 = none, 1 = as people do, 2 = "
        "twice as strong",
    ): "眉上げと笑顔（笑ったとき、およびムードによる笑顔）: 0 = なし、1 = 人と同じように、2 = 2倍の強さ",
    (DEFAULT, "Eye contact"): "アイコンタクト",
    (DEFAULT, "Glance at the partner and away like people do; partner looks aim at the other head"): (
        "人がするように相手を見たり目をそらしたりします。相手を見るときは相手の頭に視線を向けます"
    ),
    (DEFAULT, "Head turn"): "頭の振り向き",
    (DEFAULT, "On partner looks the head turns this share of the way to the partner, 0-1 (default 0.15)"): (
        "相手を見るとき、頭を相手の方へ向ける割合、0～1（デフォルト 0.15）"
    ),
    (DEFAULT, "Side by side"): "横並び",
    (
        DEFAULT,
        "Two characters facing the same way, side by side to the camera: glance at each other (the head turns "
        "at most 20 degrees), or turn to face each other",
    ): "同じ向きで横に並んだ2人（カメラに向かって横並び）: 互いをちらっと見る（頭は最大 20 度まで向く）か、向き合うように振り向く",
    (DEFAULT, "Glance"): "ちらっと見る",
    (DEFAULT, "The heads turn at most 20 degrees toward each other; the eyes glance the rest"): (
        "頭は互いの方へ最大 20 度まで向き、残りは目で見る"
    ),
    (DEFAULT, "Turn"): "振り向く",
    (DEFAULT, "The heads turn toward each other as far as eye contact asks, as a pair face to face"): (
        "向かい合った2人のように、アイコンタクトに必要なだけ頭を互いの方へ向ける"
    ),
    (DEFAULT, "As the take"): "テイクどおり",
    (
        DEFAULT,
        "As the characters' playing take was keyed (a take from before this setting: Turn), so the "
        "animator's head keys made over it stay as they were; Glance where no take plays",
    ): (
        "キャラクターが再生中のテイクを作ったときの設定（この設定より前のテイクは「振り向く」）に従い、その上に"
        "付けたアニメーターの頭のキーをそのまま保つ。再生中のテイクがなければ「ちらっと見る」"
    ),
    (DEFAULT, "Custom amounts"): "量を個別に設定",
    (
        DEFAULT,
        "Set each layer's amount (off: the engine's defaults, e.g. the published DualTalk model keeps its "
        "own head and face motion)",
    ): "レイヤーごとの量を設定（オフ: エンジンのデフォルト。例えば公開版DualTalkモデルは自身の頭と顔の動きを保つ）",
    # ---- FBX export
    (DEFAULT, "FBX output"): "FBXの出力先",
    (DEFAULT, "Scope"): "範囲",
    (
        DEFAULT,
        "What Export FBX writes: the whole characters, or only the faces and the bones that move",
    ): "「FBXをエクスポート」で書き出す内容: キャラクター全体、または顔と動くボーンのみ",
    (DEFAULT, "Whole Characters"): "キャラクター全体",
    (DEFAULT, "Both characters' meshes and whole skeletons"): "両キャラクターのメッシュとスケルトン全体",
    (DEFAULT, "Face Only"): "顔のみ",
    (DEFAULT, "Face meshes and only the bones that move (with their parents)"): (
        "顔のメッシュと、動くボーン（とその親）だけ"
    ),
    (DEFAULT, "One File per Character"): "キャラクターごとに1ファイル",
    (
        DEFAULT,
        "Export FBX writes NAME_A.fbx and NAME_B.fbx next to the chosen path, one character and one root "
        "each (Unreal's skeletal-mesh import wants one root per file)",
    ): (
        "「FBXをエクスポート」で選んだパスの隣に NAME_A.fbx と NAME_B.fbx を書き出す。各ファイルに"
        "キャラクター1体とルート1つ（Unreal のスケルタルメッシュのインポートはファイルごとにルート1つを求める）"
    ),
    # ---- the run's status (not drawn as fields; their tooltips)
    (DEFAULT, "Outcome of the last run"): "前回の実行結果",
    (DEFAULT, "What is running: generate / deps / download"): "実行中の処理: generate / deps / download",
    # ---- add-on preferences
    (DEFAULT, "Model folder"): "モデルフォルダー",
    (DEFAULT, "Where checkpoints, maps and the private Python environment go (empty: ~/.cache/dualtalk)"): (
        "チェックポイント、マップ、専用のPython環境の保存先（空欄: ~/.cache/dualtalk）"
    ),
    (DEFAULT, "Inference Python"): "推論用のPython",
    (DEFAULT, "Python with torch"): "torch入りのPython",
    (
        DEFAULT,
        "Interpreter that runs inference (empty: Blender's own if it has torch, else the private environment)",
    ): "推論を実行するインタープリター（空欄: torchがあればBlender自身のもの、なければ専用の環境）",
    (DEFAULT, "not checked yet"): "未確認",
    (DEFAULT, "Package index"): "パッケージインデックス",
    (DEFAULT, "pip index URL for Install Dependencies (empty: PyPI)"): (
        "「依存関係をインストール」が使うpipのインデックスURL（空欄: PyPI）"
    ),
    (DEFAULT, "Saved takes"): "保存したテイク",
    (DEFAULT, "none kept"): "保存されたテイクはありません",
    (DEFAULT, "Recognised words"): "聞き取った言葉",
    (DEFAULT, "no recognised words kept"): "保存された聞き取りの言葉はありません",
    (
        DEFAULT,
        "What Recognise Words heard: a range or a take run again is not recognised again",
    ): "「言葉を聞き取る」が聞き取った言葉: 範囲や同じテイクを再生成するとき、聞き取り直しません",
    (DEFAULT, "Recording cues"): "録音の手がかり",
    (
        DEFAULT,
        "What a take measured in its recording: a re-generated range reads it instead",
    ): "テイクが録音から測ったもの: 範囲を再生成するとき、録音を読み直さずにこれを読みます",
    (DEFAULT, "no recording cues kept"): "保存された録音の手がかりはありません",
    (DEFAULT, "Downloads"): "ダウンロード",
    (DEFAULT, "Online access is disabled (Preferences > System > Network)"): (
        "オンラインアクセスが無効です（プリファレンス > システム > ネットワーク）"
    ),
    (DEFAULT, "Checkpoint URL"): "チェックポイントのURL",
    (
        DEFAULT,
        "Where Download DualTalk Checkpoint fetches DualTalk.pth (default: the authors' Hugging Face "
        "repository). The weights are the DualTalk authors', under the authors' terms, which you must check "
        "before use; this add-on does not redistribute them and its GPL does not cover them",
    ): (
        "「DualTalkチェックポイントをダウンロード」がDualTalk.pthを取得する場所（デフォルト: 作者のHugging Face"
        "リポジトリ）。重みはDualTalkの作者のもので、作者の条件に従います。使用前に必ず確認してください。"
        "このアドオンは重みを再配布せず、このアドオンのGPLは重みには及びません"
    ),
    (DEFAULT, "Checkpoint sha256"): "チェックポイントのsha256",
    (DEFAULT, "Expected sha256 (optional)"): "期待されるsha256（任意）",
    (OPERATOR, "Download DualTalk Checkpoint"): "DualTalkチェックポイントをダウンロード",
    (DEFAULT, "FLAME map URL"): "FLAMEマップのURL",
    (
        DEFAULT,
        "Where to fetch the ARKit/FLAME 51x103 linear map (.npy/.npz/.json/.csv). A published map (e.g. from "
        "the BEAT2 tools) may carry a non-commercial licence: check it before use. Without a map, only jaw "
        "and head transfer (built in, no licence needed)",
    ): (
        "ARKit/FLAMEの51x103の線形マップ（.npy/.npz/.json/.csv）の取得元。公開されているマップ（BEAT2の"
        "ツールのものなど）は非商用ライセンスのことがあります。使用前に確認してください。マップがなければ"
        "顎と頭だけが転送されます（内蔵、ライセンス不要）"
    ),
    (DEFAULT, "Map sha256"): "マップのsha256",
    (OPERATOR, "Download FLAME Map"): "FLAMEマップをダウンロード",
    (DEFAULT, "FLAME map file"): "FLAMEマップファイル",
    (DEFAULT, "ARKit/FLAME map used when rig and engine spaces differ"): (
        "リグとエンジンの空間が異なるときに使うARKit/FLAMEマップ"
    ),
    (DEFAULT, "only"): "のみ",  # the take list: a take only this character holds
}

ZH_HANS: Table = {
    # ---- operators
    (OPERATOR, "Generate"): "生成",
    (
        DEFAULT,
        "Animate both characters from the dialogue audio (runs in the background; Esc or Cancel stops it)",
    ): "根据对话音频为两个角色生成动画（在后台运行；按 Esc 或“取消”停止）",
    (OPERATOR, "Re-generate Preview Range"): "重新生成预览范围",
    (
        DEFAULT,
        "Re-generate only the timeline's preview range of the take (cross-faded at both ends); the "
        "rest of the take, other tracks and hand keys on your own layers stay as they are",
    ): "只重新生成镜次中时间线预览范围内的部分（两端交叉淡化）；镜次的其余部分、其他轨道以及你自己的层上手动设置的关键帧保持不变",
    (OPERATOR, "Cancel"): "取消",
    (
        DEFAULT,
        "Stop the running DualTalk generation, FBX export, dependency install or download; the scene stays as it was",
    ): ("停止正在运行的 DualTalk 生成、FBX 导出、依赖项安装或下载；场景保持原样"),
    (OPERATOR, "Apply Take"): "应用镜次",
    (
        DEFAULT,
        "Key a take kept on disk (a folder with A.npz and B.npz) onto the characters it was made for (else "
        "the panel's) with the settings it was made with (or the panel's), e.g. the take kept when a character "
        "was deleted while generating",
    ): (
        "按生成镜次时的设置（或面板的设置），将磁盘上保存的镜次（包含 A.npz 和 B.npz 的文件夹）插入关键帧到它所属的角色上"
        "（若已不在则用面板的角色），例如生成过程中角色被删除时保存下来的镜次"
    ),
    (DEFAULT, "Settings"): "设置",
    (DEFAULT, "As Made"): "按生成时",
    (
        DEFAULT,
        "The settings the take was made with, as its folder records them (the panel's for any it does not)",
    ): "生成镜次时的设置（按其文件夹的记录；未记录的设置用面板的）",
    (DEFAULT, "Panel's"): "面板的",
    (DEFAULT, "The panel's settings now, as Generate would use them"): "面板当前的设置，即“生成”会使用的设置",
    (OPERATOR, "Clear Recognised Words"): "清除识别的文字",
    (
        DEFAULT,
        "Delete the words Recognise Words kept (a range or a take run again reads them instead of "
        "recognising the recording again); only the files DualTalk wrote there go",
    ): "删除“识别语音文字”保存的文字（重新生成范围或镜次时会读取它们，而不必再次识别录音）；只删除 DualTalk 在那里写入的文件",
    (OPERATOR, "Clear Recording Cues"): "清除录音线索",
    (
        DEFAULT,
        "Delete the recording cues takes kept (a re-generated range reads them instead of reading its "
        "whole recording again); only the files DualTalk wrote there go",
    ): "删除镜次保存的录音线索（重新生成范围时会读取它们，而不必再次读取整段录音）；只删除 DualTalk 在那里写入的文件",
    (OPERATOR, "Clear Words and Cues"): "清除文字和线索",
    (
        DEFAULT,
        "Delete both the recognised words and the recording cues DualTalk kept between runs; only the "
        "files DualTalk wrote there go",
    ): "删除 DualTalk 在两次运行之间保存的识别文字和录音线索；只删除 DualTalk 在那里写入的文件",
    (OPERATOR, "Delete Saved Takes"): "删除保存的镜次",
    (
        DEFAULT,
        "Delete the takes kept in the temp folder (when a character or the scene was deleted while "
        "generating, or keying failed); a folder holding anything else is left alone",
    ): "删除临时文件夹中保存的镜次（生成过程中角色或场景被删除、或插入关键帧失败时留下的）；包含其他内容的文件夹不受影响",
    (DEFAULT, "Delete Kept Takes After (days)"): "保存的镜次在多少天后删除",
    (
        DEFAULT,
        "When the add-on starts, delete the takes kept in the temp folder last changed this many days "
        "ago (never one the open file uses or a running Blender kept); 0: never",
    ): (
        "插件启动时，删除临时文件夹中最后修改已超过此天数的保存镜次"
        "（打开的文件使用的、或正在运行的 Blender 保存的镜次不会删除）。0：从不删除"
    ),
    (OPERATOR, "Export FBX"): "导出 FBX",
    (DEFAULT, "Export both characters with their animation and shape keys to FBX (Esc cancels)"): (
        "将两个角色连同其动画和形态键导出为 FBX（按 Esc 取消）"
    ),
    (OPERATOR, "Remove Take"): "移除镜次",
    (
        DEFAULT,
        "Remove the DualTalk take from the chosen characters: where the file keeps another take of theirs "
        "whose recording is found, that take plays again (the one that played last); else DualTalk's "
        "tracks, actions, markers and sound strips of the take go and the action DualTalk kept below it "
        "plays as before. Your own tracks, actions, keys and drivers stay; keys edited by hand inside the "
        "take's own layers go with the take (the confirmation names them)",
    ): (
        "从所选角色上移除 DualTalk 镜次：如果文件中保留了这些角色的另一个镜次且能找到其录音，则重新播放"
        "该镜次（最近播放过的那个）；否则删除该镜次的 DualTalk 轨道、动作、标记和声音片段，DualTalk "
        "保留在其下方的动作会像以前一样播放。你自己的轨道、动作、关键帧和驱动器保持不变；"
        "在镜次自身图层中手动编辑的关键帧会随镜次一起删除（确认对话框会列出它们）"
    ),
    (DEFAULT, "Character"): "角色",
    (DEFAULT, "Both"): "两者",
    (DEFAULT, "Every chosen character that carries a take"): "所有带有镜次的已选角色",
    (DEFAULT, "Only Character A"): "仅角色 A",
    (DEFAULT, "Only Character B"): "仅角色 B",
    (DEFAULT, "Remove Take"): "移除镜次",
    (DEFAULT, "Remove"): "移除",
    (OPERATOR, "Play Take"): "使用镜次",
    (
        DEFAULT,
        "Play an earlier take the file keeps (made under another Take name) on the chosen characters "
        "instead of the one playing, which stays in the file; your tracks, keys and the layers' influence stay",
    ): (
        "在所选角色上使用文件中保留的较早镜次（以另一个镜次名称生成），代替正在使用的镜次，后者仍保留在"
        "文件中；你自己的轨道、关键帧和各层的影响保持不变"
    ),
    (DEFAULT, "The take's name"): "镜次的名称",
    (OPERATOR, "Play"): "使用",
    (DEFAULT, "Take"): "镜次",
    (
        DEFAULT,
        "Name of the take Generate makes: the same name replaces it; a new name keeps the earlier take in "
        "the file, listed under Takes, to compare and play again",
    ): (
        "“生成”所创建镜次的名称：同名则替换；新名称则将较早的镜次保留在文件中（列在“此文件中的镜次”下），"
        "以便比较和再次使用"
    ),
    (DEFAULT, "Takes in this file"): "此文件中的镜次",
    (DEFAULT, "playing"): "使用中",
    (OPERATOR, "Use Take's Settings"): "使用镜次的设置",
    (
        DEFAULT,
        "Fill the panel from the take the characters play: its name (Generate then replaces it), the "
        "characters, the audio form, files, part, turns file and speaker, and keys it was made with, where "
        "the take records them and its files are found; nothing is keyed",
    ): (
        "根据角色正在使用的镜次填写面板：在镜次有记录且能找到其文件的范围内，设置镜次名称（之后的“生成”会替换该镜次）、"
        "生成时的角色、音频形式、"
        "文件、录音的一部分、发言轮次文件和说话人以及关键帧方式；不插入关键帧"
    ),
    (DEFAULT, "The panel's settings are not the take's"): "面板的设置与镜次的不同",
    (OPERATOR, "Check Python"): "检查 Python",
    (DEFAULT, "Check that the inference Python can import torch, numpy<2, scipy and soundfile"): (
        "检查推理用的 Python 能否导入 torch、numpy<2、scipy 和 soundfile"
    ),
    (OPERATOR, "Install Dependencies"): "安装依赖项",
    (
        DEFAULT,
        "Create a private Python environment in the model folder and install torch, numpy<2, scipy, "
        "soundfile, pocketsphinx and the voice encoder for automatic speaker separation (resemblyzer) "
        "from the package index (needs Allow Online Access, unless the index is on this machine)",
    ): (
        "在模型文件夹中创建专用的 Python 环境，并从软件包索引安装 torch、numpy<2、scipy、soundfile、pocketsphinx "
        "以及用于自动分离说话人的声音编码器（resemblyzer）（需要“允许联机访问”，除非索引就在本机上）"
    ),
    (DEFAULT, "Packages"): "软件包",
    (DEFAULT, "Space-separated pip requirements to install instead of the default set (advanced)"): (
        "以空格分隔的 pip 依赖项，代替默认的一组进行安装（高级）"
    ),
    (OPERATOR, "Download"): "下载",
    (
        DEFAULT,
        "Download the DualTalk checkpoint or the FLAME map into the model folder (resumable, sha256-checked)",
    ): "将 DualTalk 检查点或 FLAME 映射下载到模型文件夹（可续传，经 sha256 校验）",
    (DEFAULT, "Checkpoint"): "检查点",
    (DEFAULT, "FLAME map"): "FLAME 映射",
    (DEFAULT, "ARKit/FLAME linear map"): "ARKit/FLAME 线性映射",
    # (the Download buttons' own tooltips, from the operator's description callback)
    (
        DEFAULT,
        "Download the published DualTalk.pth into the model folder (resumable, sha256-checked). "
        "The weights are the DualTalk authors', under the authors' terms, which you must check "
        "before use; this add-on does not redistribute them",
    ): (
        "将已发布的 DualTalk.pth 下载到模型文件夹（可续传，经 sha256 校验）。权重属于 DualTalk 的作者，"
        "受作者条款约束，使用前必须查看；本插件不再分发这些权重"
    ),
    (
        DEFAULT,
        "Download the ARKit/FLAME map from the URL given into the model folder (resumable, "
        "sha256-checked). Such a map (e.g. from the BEAT2 tools) may carry a non-commercial "
        "licence: check it before use",
    ): (
        "从给定的 URL 将 ARKit/FLAME 映射下载到模型文件夹（可续传，经 sha256 校验）。此类映射（例如来自 BEAT2 "
        "工具）可能带有非商业许可：使用前请查看"
    ),
    # ---- why an operator is greyed out (poll_message_set: the tooltip's "Disabled: ..." line)
    (DEFAULT, "open a scene first"): "请先打开一个场景",
    (DEFAULT, "open a scene with the DualTalk panel first"): "请先打开带有 DualTalk 面板的场景",
    (DEFAULT, "choose both characters (A and B)"): "请选择两个角色（A 和 B）",
    (DEFAULT, "wait for the running generation to end (or cancel it)"): (
        "请等待正在运行的生成结束（或将其取消）"
    ),
    (DEFAULT, "an FBX export is running; wait for it to end or press Esc to cancel it"): (
        "正在导出 FBX；请等待其结束，或按 Esc 取消"
    ),
    (DEFAULT, "exporting"): "正在导出",
    (
        DEFAULT,
        "no DualTalk generation, FBX export, install or download is running; there is nothing to cancel",
    ): ("没有正在运行的 DualTalk 生成、FBX 导出、安装或下载；没有可取消的内容"),
    (
        DEFAULT,
        "an install is running; wait for it to end or cancel it (Cancel under its progress in the 3D "
        "Viewport's DualTalk panel or the add-on's preferences)",
    ): ("安装正在运行；请等待其结束，或将其取消（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”）"),
    (
        DEFAULT,
        "an install is running (a generation could load half-installed packages); wait for it to end "
        "or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences)",
    ): (
        "安装正在运行（生成可能会加载尚未装完的软件包）；请等待其结束，或将其取消"
        "（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”）"
    ),
    (
        DEFAULT,
        "a download is running; wait for it to end or cancel it (Cancel under its progress in the "
        "3D Viewport's DualTalk panel or the add-on's preferences)",
    ): "下载正在运行；请等待其结束，或将其取消（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”）",
    (
        DEFAULT,
        "an install is already running; wait for it to end or cancel it "
        "(Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences, "
        "or Esc in the window it was started from)",
    ): "已有安装正在运行；请等待其结束，或将其取消（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”，或在启动它的窗口中按 Esc）",
    (
        DEFAULT,
        "a download is already running; wait for it to end or cancel it "
        "(Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences, "
        "or Esc in the window it was started from)",
    ): "已有下载正在运行；请等待其结束，或将其取消（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”，或在启动它的窗口中按 Esc）",
    (
        DEFAULT,
        "a generation is already running; wait for it to end or cancel it "
        "(Cancel in the DualTalk panel of the 3D Viewport, or Esc in the window it was started from)",
    ): "已有生成正在运行；请等待其结束，或将其取消（3D 视图中 DualTalk 面板的“取消”，或在启动它的窗口中按 Esc）",
    (
        DEFAULT,
        "an install is already running (it carried on when another file was opened); "
        "wait for it to end or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel "
        "or the add-on's preferences)",
    ): "已有安装正在运行（打开另一个文件时它仍在继续）；请等待其结束，或将其取消（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”）",
    (
        DEFAULT,
        "a download is already running (it carried on when another file was opened); "
        "wait for it to end or cancel it (Cancel under its progress in the 3D Viewport's DualTalk panel "
        "or the add-on's preferences)",
    ): "已有下载正在运行（打开另一个文件时它仍在继续）；请等待其结束，或将其取消（3D 视图中 DualTalk 面板或插件偏好设置中进度下方的“取消”）",
    (
        DEFAULT,
        "a generation is already running (it carried on when another file was opened); "
        "wait for it to end or cancel it (Cancel in the DualTalk panel of the 3D Viewport)",
    ): "已有生成正在运行（打开另一个文件时它仍在继续）；请等待其结束，或将其取消（3D 视图中 DualTalk 面板的“取消”）",
    (DEFAULT, "a job is already running; wait for it to end"): "已有任务正在运行；请等待其结束",
    # ---- panels
    (DEFAULT, "Behaviour"): "行为",
    (DEFAULT, "installing dependencies"): "正在安装依赖项",
    (DEFAULT, "downloading"): "正在下载",
    (DEFAULT, "Blinks, eye contact, head motion and nods, brows and smiles added after the engine."): (
        "在引擎之后添加的眨眼、眼神交流、头部动作与点头、眉毛和微笑。"
    ),
    (DEFAULT, "Characters"): "角色",
    (DEFAULT, "not in this scene (deleted?); choose it again"): "不在此场景中（已删除？）；请重新选择",
    (DEFAULT, "Form"): "形式",
    (DEFAULT, "Audio A"): "音频 A",
    (DEFAULT, "Options"): "选项",
    (DEFAULT, "working"): "处理中",
    (OPERATOR, "Apply Saved Take..."): "应用保存的镜次...",
    (DEFAULT, "Layers"): "层",
    # ---- panel settings: characters and audio
    (DEFAULT, "Character A"): "角色 A",
    (
        DEFAULT,
        "Mesh with shape keys (or its armature) voiced by speaker A",
    ): "由说话人 A 配音的带形态键的网格（或其骨架）",
    (DEFAULT, "Character B"): "角色 B",
    (
        DEFAULT,
        "Mesh with shape keys (or its armature) voiced by speaker B",
    ): "由说话人 B 配音的带形态键的网格（或其骨架）",
    (DEFAULT, "Audio"): "音频",
    (DEFAULT, "How the two voices are recorded"): "两个声音的录制方式",
    (DEFAULT, "Stereo file"): "立体声文件",
    (DEFAULT, "One file; left channel is A, right channel is B"): "一个文件；左声道为 A，右声道为 B",
    (DEFAULT, "Two files"): "两个文件",
    (DEFAULT, "One file per speaker, same length"): "每位说话人一个文件，长度相同",
    (DEFAULT, "Mono + turns"): "单声道 + 发言轮次",
    (
        DEFAULT,
        "One mixed recording plus a file saying who speaks when",
    ): "一个混合录音，外加一个说明谁在何时说话的文件",
    (DEFAULT, "Mono, automatic"): "单声道（自动）",
    (DEFAULT, "One mixed recording; speakers separated automatically"): "一个混合录音；自动分离说话人",
    (
        DEFAULT,
        "The dialogue recording: the stereo file (left channel A, right channel B), speaker A's own "
        "file (Two files) or the mono mix",
    ): "对话录音：立体声文件（左声道为 A，右声道为 B）、说话人 A 自己的文件（“两个文件”）或单声道混音",
    (DEFAULT, "Audio B"): "音频 B",
    (
        DEFAULT,
        "Speaker B's own file (then Audio is A's)",
    ): "说话人 B 自己的文件（此时“音频”为 A 的文件）",
    (DEFAULT, "B Starts Earlier By"): "B 提前开始",
    (
        DEFAULT,
        "With Two files: B's file starts this many seconds before A's (its recorder was started earlier; "
        "negative: later); B is shifted by that much. A warning gives the value when the files' bleed "
        "shows it (0: not shifted)",
    ): (
        "使用“两个文件”时：B 的文件比 A 的早开始的秒数（B 的录音更早开始；负值：更晚）；B 会相应平移。"
        "当文件之间的串音能反映该值时，会以警告给出（0：不平移）"
    ),
    (DEFAULT, "Turns"): "发言轮次",
    (DEFAULT, "Who speaks when in a mono mix: RTTM, Audacity labels, SRT or WebVTT"): (
        "单声道混音中谁在何时说话：RTTM、Audacity 标签、SRT 或 WebVTT"
    ),
    (DEFAULT, "Speaker A"): "说话人 A",
    (DEFAULT, "With Mono + turns: the speaker to animate as A (none: the first speaker)"): (
        "使用“单声道 + 发言轮次”时：作为 A 生成动画的说话人（留空：第一位说话人）"
    ),
    (DEFAULT, "Swap A/B"): "交换 A/B",
    (DEFAULT, "Exchange speakers A and B"): "交换说话人 A 和 B",
    (DEFAULT, "Transcript"): "台词稿",
    (
        DEFAULT,
        "What the characters say, one line per turn (A: text / B: text), written in Script Language "
        "(default English): the lips are drawn from its phones, aligned to each voice",
    ): "角色说的话，每次发言一行（A: 文本 / B: 文本），用“台词稿语言”书写（默认英语）：根据其音素生成口型，并与各自的声音对齐",
    (DEFAULT, "Script Language"): "台词稿语言",
    (DEFAULT, "Script Language B"): "B 的台词稿语言",
    (
        DEFAULT,
        "The language B's lines are written in, when the two characters speak different languages "
        "(Same as A: the Script Language above)",
    ): "B 的台词所用的语言，两个角色说不同语言时选择（与 A 相同：上面的“台词稿语言”）",
    (DEFAULT, "B's lines are written in the Script Language above"): "B 的台词也用上面的“台词稿语言”书写",
    (DEFAULT, "Recognise Words (English)"): "识别语音文字（英语）",
    (
        DEFAULT,
        "Without a transcript, recognise what each character says (English only) and draw the lips from "
        "those words; slower, and a misheard stretch keeps the engine's lips",
    ): "没有台词稿时，识别每个角色说的话（仅限英语），并根据这些文字生成口型；速度较慢，听错的片段保留引擎生成的口型",
    (
        DEFAULT,
        "The language the transcript is written in (with the wrong one its words may not align, and "
        "the engine's lips are kept)",
    ): "台词稿所用的语言（选错时文字可能无法与声音对齐，口型将保留引擎生成的结果）",
    (DEFAULT, "English"): "英语",
    (DEFAULT, "Spanish"): "西班牙语",
    (DEFAULT, "French"): "法语",
    (DEFAULT, "German"): "德语",
    (DEFAULT, "Italian"): "意大利语",
    (DEFAULT, "Portuguese (Brazil)"): "葡萄牙语（巴西）",
    (DEFAULT, "Portuguese (Portugal)"): "葡萄牙语（葡萄牙）",
    (DEFAULT, "Dutch"): "荷兰语",
    (DEFAULT, "Polish"): "波兰语",
    (DEFAULT, "Swedish"): "瑞典语",
    (DEFAULT, "Russian"): "俄语",
    (DEFAULT, "Turkish"): "土耳其语",
    (DEFAULT, "Arabic"): "阿拉伯语",
    (DEFAULT, "Hindi"): "印地语",
    (DEFAULT, "Mandarin"): "普通话",
    (DEFAULT, "Japanese"): "日语",
    (DEFAULT, "Korean"): "韩语",
    (DEFAULT, "Aligned by pocketsphinx, a model of English speech"): "由英语语音模型 pocketsphinx 对齐",
    (
        DEFAULT,
        "Aligned by warping espeak-ng's reading of each line onto the voice",
    ): "将 espeak-ng 对每一行的朗读在时间上伸缩，对齐到声音上",
    (DEFAULT, "Write it in kana (espeak-ng cannot read kanji), or let kanji be read:"): (
        "请用假名书写（espeak-ng 读不了日文汉字），或让汉字能被读出："
    ),
    (
        DEFAULT,
        "pip install sudachipy sudachidict_core (the add-on's Install dependencies adds them)",
    ): "pip install sudachipy sudachidict_core（插件的“安装依赖项”会安装它们）",
    (DEFAULT, "Part of the recording"): "录音的一部分",
    (DEFAULT, "Only animate from Start to End"): "仅为从“开始”到“结束”的部分生成动画",
    (DEFAULT, "Start"): "开始",
    (
        DEFAULT,
        "Animate from this many seconds into the audio (0: from the beginning)",
    ): "从音频的第几秒开始生成动画（0：从头开始）",
    (DEFAULT, "End"): "结束",
    (
        DEFAULT,
        "Animate up to this many seconds into the audio (0: to the end)",
    ): "生成动画直到音频的第几秒（0：直到结尾）",
    # ---- panel settings: engine
    (DEFAULT, "Engine"): "引擎",
    (DEFAULT, "Network (default: auto)"): "网络（默认：自动）",
    (DEFAULT, "Auto"): "自动",
    (DEFAULT, "The checkpoint's network if one is chosen, else the embedded model"): (
        "若已选择检查点则使用其网络，否则使用内置模型"
    ),
    (DEFAULT, "The published DualTalk network (FLAME output); needs the checkpoint"): (
        "已发布的 DualTalk 网络（FLAME 输出）；需要检查点"
    ),
    (DEFAULT, "Embedded (Lite)"): "内置 (Lite)",
    (
        DEFAULT,
        "The small bundled lite model (ARKit output); works offline",
    ): "随附的小型 lite 模型（ARKit 输出）；可离线使用",
    (DEFAULT, "Published DualTalk.pth (or lite weights); none -> embedded lite model"): (
        "已发布的 DualTalk.pth（或 lite 权重）；无 -> 内置 lite 模型"
    ),
    (DEFAULT, "Device"): "设备",
    (
        DEFAULT,
        "Where the engine runs: Auto takes the NVIDIA GPU when there is one, else the processor",
    ): "引擎的运行位置：自动时有 NVIDIA GPU 就用它，否则用处理器",
    (DEFAULT, "GPU if available"): "可用时使用 GPU",
    (DEFAULT, "Processor"): "处理器",
    (DEFAULT, "Rounds"): "轮数",
    (
        DEFAULT,
        "Dialogue refinement rounds, 1-20 (default 2) (0: the default)",
    ): "对话细化轮数，1-20（默认 2）（0：默认）",
    (DEFAULT, "Lip Release"): "闭唇释放",
    (
        DEFAULT,
        "Lite engine: lips held shut over a vowel-like sound open this far, 0 (off) to 1 (default 0.75)",
    ): "lite 引擎：在类似元音的声音上仍闭合的嘴唇张开的程度，0（关闭）到 1（默认 0.75）",
    (DEFAULT, "Lip Rounding"): "嘴唇圆化",
    (
        DEFAULT,
        "Lite engine: how far the lips round on oo and oh sounds, read from the voice, 0 (off) to 1 "
        "(default 0.5)",
    ): "lite 引擎：在 u、o 等音上嘴唇变圆的程度（从声音中读取），0（关闭）到 1（默认 0.5）",
    # ---- panel settings: options
    (DEFAULT, "Rig"): "绑定",
    (DEFAULT, "How motion channels find shape keys and bones (default: auto-detect)"): (
        "运动通道查找形态键和骨骼的方式（默认：自动检测）"
    ),
    (DEFAULT, "Auto-detect"): "自动检测",
    (DEFAULT, "Pick the preset whose names match most shape keys"): "选择名称与最多形态键匹配的预设",
    (DEFAULT, "52 ARKit blendshapes (also mixamorig:/CC_Base_ prefixes and case variants)"): (
        "52 个 ARKit 混合形状（也支持 mixamorig:/CC_Base_ 前缀及大小写变体）"
    ),
    (
        DEFAULT,
        "FLAME add-on rig: Exp* keys plus jaw/neck bones",
    ): "FLAME 插件绑定：Exp* 形态键以及下巴/颈部骨骼",
    (
        DEFAULT,
        "VRM expressions (aa, ih, ou, ee, oh, blink, happy...)",
    ): "VRM 表情（aa, ih, ou, ee, oh, blink, happy...）",
    (DEFAULT, "MMD Japanese morphs"): "MMD 日文表情变形（morph）",
    (DEFAULT, "Map file"): "映射文件",
    (
        DEFAULT,
        "Custom channel -> shape key/bone map of both characters, but one with its own (A's map file, "
        "B's map file); overrides Rig",
    ): (
        "两个角色共用的自定义 通道 -> 形态键/骨骼 映射（有自己映射的角色除外：“A 的映射文件”“B 的映射文件”）；"
        "优先于“绑定”"
    ),
    (DEFAULT, "A's map file"): "A 的映射文件",
    (DEFAULT, "Character A's own custom map, instead of Map file (overrides Rig for A)"): (
        "角色 A 自己的自定义映射，代替“映射文件”（对 A 优先于“绑定”）"
    ),
    (DEFAULT, "B's map file"): "B 的映射文件",
    (DEFAULT, "Character B's own custom map, instead of Map file (overrides Rig for B)"): (
        "角色 B 自己的自定义映射，代替“映射文件”（对 B 优先于“绑定”）"
    ),
    (DEFAULT, "A's up axis"): "A 的向上轴",
    (
        DEFAULT,
        "Which way character A's rig is up, for turning its head (a rig from Maya whose head rolls where "
        "it should turn: set Z)",
    ): "角色 A 的绑定哪个轴朝上，用于转头（来自 Maya 的绑定在该转头时头却侧倾：设为 Z）",
    (DEFAULT, "B's up axis"): "B 的向上轴",
    (
        DEFAULT,
        "Which way character B's rig is up, for turning its head (a rig from Maya whose head rolls where "
        "it should turn: set Z)",
    ): "角色 B 的绑定哪个轴朝上，用于转头（来自 Maya 的绑定在该转头时头却侧倾：设为 Z）",
    (
        DEFAULT,
        "Read from the rig: the neck to head chain, else the armature standing Y-up, else the head bone",
    ): ("从绑定读取：颈到头的骨链，否则按 Y 轴朝上站立的骨架，否则按头部骨骼"),
    (DEFAULT, "Y up"): "Y 朝上",
    (DEFAULT, "The rig's Y axis is up"): "绑定的 Y 轴朝上",
    (DEFAULT, "Z up"): "Z 朝上",
    (DEFAULT, "The rig's Z axis is up, as Blender's own"): "绑定的 Z 轴朝上（与 Blender 自身相同）",
    (DEFAULT, "Mouth"): "嘴",
    (DEFAULT, "Brows"): "眉毛",
    (DEFAULT, "Eyes"): "眼睛",
    (DEFAULT, "Cheeks"): "脸颊",
    (DEFAULT, "Head"): "头部",
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (mouth)"): (
        "分组动画的缩放，1 = 与生成结果相同：嘴/眉毛/眼睛/脸颊/头部（嘴）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (brows)"): (
        "分组动画的缩放，1 = 与生成结果相同：嘴/眉毛/眼睛/脸颊/头部（眉毛）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (eyes)"): (
        "分组动画的缩放，1 = 与生成结果相同：嘴/眉毛/眼睛/脸颊/头部（眼睛）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (cheeks)"): (
        "分组动画的缩放，1 = 与生成结果相同：嘴/眉毛/眼睛/脸颊/头部（脸颊）"
    ),
    (DEFAULT, "Scale of a group's animation, 1 = as generated: mouth/brows/eyes/cheeks/head (head)"): (
        "分组动画的缩放，1 = 与生成结果相同：嘴/眉毛/眼睛/脸颊/头部（头部）"
    ),
    (DEFAULT, "Smoothing"): "平滑",
    (
        DEFAULT,
        "Temporal smoothing: Gaussian sigma in 25-fps frames (0 = off, 1-2 = gentle; the behaviour layer's "
        "blinks stay sharp)",
    ): "时间平滑：以 25 fps 帧为单位的高斯 sigma（0 = 关闭，1-2 = 轻微；行为层的眨眼保持清晰）",
    (DEFAULT, "Blink Amount"): "眨眼量",
    (DEFAULT, "Procedural Blinks"): "程序化眨眼",
    (
        DEFAULT,
        "Whether the characters blink. Auto and On: the Behaviour panel's blinks (its Blink Amount); "
        "Off: no blinks at all",
    ): "角色是否眨眼。自动和开启：使用“行为”面板的眨眼（其“眨眼量”）；关闭：完全不眨眼",
    (
        DEFAULT,
        "The Behaviour panel's blinks; a take saved by an older DualTalk without them gets blinks "
        "only if the published network made it",
    ): "“行为”面板的眨眼；由旧版 DualTalk 保存、不含眨眼的镜次，仅当由已发布的网络生成时才添加眨眼",
    (DEFAULT, "On"): "开启",
    (
        DEFAULT,
        "The Behaviour panel's blinks; a take saved by an older DualTalk without them gets blinks too",
    ): "“行为”面板的眨眼；由旧版 DualTalk 保存、不含眨眼的镜次也添加眨眼",
    (DEFAULT, "Off"): "关闭",
    (
        DEFAULT,
        "No blinks at all, whatever the Behaviour panel says",
    ): "无论“行为”面板如何设置，都完全不眨眼",
    (DEFAULT, "Keys"): "关键帧",
    (
        DEFAULT,
        "How many keys the take gets: one per frame, or far fewer (easier to edit) that stay within "
        "0.01 on weights and 0.1 degrees on rotations",
    ): "镜次的关键帧数量：每帧一个，或少得多（更易编辑），权重误差在 0.01 以内、旋转误差在 0.1 度以内",
    (DEFAULT, "Every frame"): "每帧",
    (
        DEFAULT,
        "One key per frame on every curve: exactly the engine's output",
    ): "每条曲线每帧一个关键帧：与引擎输出完全一致",
    (DEFAULT, "Reduced"): "精简",
    (DEFAULT, "Far fewer keys, within 0.01 on shape-key weights and 0.1 degrees on rotations"): (
        "关键帧少得多，形态键权重误差在 0.01 以内，旋转误差在 0.1 度以内"
    ),
    (DEFAULT, "Turn markers"): "轮次标记",
    (DEFAULT, "Timeline markers at turn changes"): "在发言轮次切换处添加时间线标记",
    (DEFAULT, "Sound strip"): "声音片段",
    (DEFAULT, "Place the audio in the sequencer (off: none, and an earlier take's strip is removed)"): (
        "将音频放入序列编辑器（关闭：不放置，并移除之前镜次的片段）"
    ),
    # ---- panel settings: behaviour
    (DEFAULT, "Mood"): "情绪",
    (DEFAULT, "Neutral (default), friendly, serious or animated"): "中性（默认）、友好、严肃或活泼",
    (DEFAULT, "Neutral"): "中性",
    (DEFAULT, "Calibrated to how people behave in conversation"): "依据人在对话中的行为校准",
    (DEFAULT, "Friendly"): "友好",
    (DEFAULT, "More nods, a light smile while listening, a little more eye contact"): (
        "点头更多，倾听时带着浅浅的微笑，眼神交流稍多"
    ),
    (DEFAULT, "Serious"): "严肃",
    (DEFAULT, "Smaller head motion, fewer brow raises, no smile"): "头部动作更小，扬眉更少，没有微笑",
    (DEFAULT, "Animated"): "活泼",
    (DEFAULT, "Much larger head motion, more brows and nods"): "头部动作大得多，眉毛动作和点头更多",
    (DEFAULT, "B's Mood"): "B 的情绪",
    (
        DEFAULT,
        "Character B's own mood when it differs from A's (Mood): same (default), neutral, friendly, "
        "serious or animated",
    ): "角色 B 与 A（“情绪”）不同时自己的情绪：相同（默认）、中性、友好、严肃或活泼",
    (DEFAULT, "Same as A"): "与 A 相同",
    (DEFAULT, "B behaves in the mood set for A"): "B 按为 A 设置的情绪表现",
    (DEFAULT, "Seed"): "种子",
    (
        DEFAULT,
        "Seed of the blinks, glances and nods: same seed, same performance (default 0). A seed from "
        "2147483648 to 4294967295 (command line, shot file) is typed minus 4294967296: 3000000000 as "
        "-1294967296",
    ): (
        "眨眼、视线和点头的随机种子：种子相同，表演相同（默认 0）。2147483648 到 4294967295 的种子"
        "（命令行、镜头文件）需减去 4294967296 输入：3000000000 输入为 -1294967296"
    ),
    (DEFAULT, "Gaze Amount"): "视线量",
    (DEFAULT, "Head Motion Amount"): "头部动作量",
    (DEFAULT, "Brow Amount"): "眉毛动作量",
    (
        DEFAULT,
        "Glances at the partner and away: 0 = none (as Eye contact off), 1 = as people do, 2 = looks "
        "away twice as far",
    ): "看向对方和移开视线：0 = 无（等同于“眼神交流”关闭），1 = 像真人一样，2 = 移开视线的幅度加倍",
    (
        DEFAULT,
        "How often the eyes blink: 0 = no blinks, 1 = as often as people do in conversation, 2 = up "
        "to twice as often",
    ): "眨眼的频率：0 = 不眨眼，1 = 与对话中的真人一样频繁，2 = 最多到 2 倍",
    (
        DEFAULT,
        "Head beats, sway and listener nods added to the engine's own head motion: 0 = none added, "
        "1 = as people do, 2 = twice as large. Options > Head scales all head motion",
    ): (
        "在引擎自身的头部动作之上添加的头部节拍、摆动和倾听者的点头："
        "0 = 不添加，1 = 像真人一样，2 = 加倍。所有头部动作由“选项 > 头部”缩放"
    ),
    (
        DEFAULT,
        "Brow raises and smiles (at laughs, and the mood's smile): 0 = none, 1 = as people do, 2 = "
        "twice as strong",
    ): "扬眉和微笑（笑时的微笑以及情绪带来的微笑）：0 = 无，1 = 像真人一样，2 = 加倍",
    (DEFAULT, "Eye contact"): "眼神交流",
    (DEFAULT, "Glance at the partner and away like people do; partner looks aim at the other head"): (
        "像真人一样看向对方又移开视线；看向对方时视线对准对方的头部"
    ),
    (DEFAULT, "Head turn"): "转头",
    (DEFAULT, "On partner looks the head turns this share of the way to the partner, 0-1 (default 0.15)"): (
        "看向对方时头部转向对方的比例，0-1（默认 0.15）"
    ),
    (DEFAULT, "Side by side"): "并排",
    (
        DEFAULT,
        "Two characters facing the same way, side by side to the camera: glance at each other (the head turns "
        "at most 20 degrees), or turn to face each other",
    ): "朝同一方向并排的两个角色（并排面向镜头）：互相瞥一眼（头最多转 20 度），或转身面对彼此",
    (DEFAULT, "Glance"): "瞥视",
    (DEFAULT, "The heads turn at most 20 degrees toward each other; the eyes glance the rest"): (
        "头最多向对方转 20 度，其余由眼睛看过去"
    ),
    (DEFAULT, "Turn"): "转身",
    (DEFAULT, "The heads turn toward each other as far as eye contact asks, as a pair face to face"): (
        "像面对面的两人一样，按眼神交流的需要把头转向对方"
    ),
    (DEFAULT, "As the take"): "按镜次",
    (
        DEFAULT,
        "As the characters' playing take was keyed (a take from before this setting: Turn), so the "
        "animator's head keys made over it stay as they were; Glance where no take plays",
    ): (
        "按角色正在播放的镜次生成时的设置（早于此设置的镜次为“转身”），使动画师在其上打的头部关键帧保持原样；"
        "没有播放中的镜次时为“瞥视”"
    ),
    (DEFAULT, "Custom amounts"): "自定义强度",
    (
        DEFAULT,
        "Set each layer's amount (off: the engine's defaults, e.g. the published DualTalk model keeps its "
        "own head and face motion)",
    ): "设置每一层的强度（关闭：使用引擎的默认值，例如已发布的 DualTalk 模型保留其自身的头部和面部动作）",
    # ---- FBX export
    (DEFAULT, "FBX output"): "FBX 输出",
    (DEFAULT, "Scope"): "范围",
    (
        DEFAULT,
        "What Export FBX writes: the whole characters, or only the faces and the bones that move",
    ): "“导出 FBX”写出的内容：整个角色，或仅面部和会运动的骨骼",
    (DEFAULT, "Whole Characters"): "整个角色",
    (DEFAULT, "Both characters' meshes and whole skeletons"): "两个角色的网格和完整骨架",
    (DEFAULT, "Face Only"): "仅面部",
    (
        DEFAULT,
        "Face meshes and only the bones that move (with their parents)",
    ): "面部网格以及仅会运动的骨骼（连同其父级）",
    (DEFAULT, "One File per Character"): "每个角色一个文件",
    (
        DEFAULT,
        "Export FBX writes NAME_A.fbx and NAME_B.fbx next to the chosen path, one character and one root "
        "each (Unreal's skeletal-mesh import wants one root per file)",
    ): (
        "“导出 FBX”在所选路径旁写出 NAME_A.fbx 和 NAME_B.fbx，每个文件一个角色、一个根"
        "（Unreal 的骨骼网格体导入要求每个文件一个根）"
    ),
    # ---- the run's status
    (DEFAULT, "Outcome of the last run"): "上次运行的结果",
    (DEFAULT, "What is running: generate / deps / download"): "正在运行的任务：generate / deps / download",
    # ---- add-on preferences
    (DEFAULT, "Model folder"): "模型文件夹",
    (DEFAULT, "Where checkpoints, maps and the private Python environment go (empty: ~/.cache/dualtalk)"): (
        "检查点、映射和专用 Python 环境的存放位置（留空：~/.cache/dualtalk）"
    ),
    (DEFAULT, "Inference Python"): "推理 Python",
    (DEFAULT, "Python with torch"): "带 torch 的 Python",
    (
        DEFAULT,
        "Interpreter that runs inference (empty: Blender's own if it has torch, else the private environment)",
    ): "运行推理的解释器（留空：若 Blender 自带的 Python 有 torch 则使用它，否则使用专用环境）",
    (DEFAULT, "not checked yet"): "尚未检查",
    (DEFAULT, "Package index"): "软件包索引",
    (
        DEFAULT,
        "pip index URL for Install Dependencies (empty: PyPI)",
    ): "“安装依赖项”使用的 pip 索引 URL（留空：PyPI）",
    (DEFAULT, "Saved takes"): "保存的镜次",
    (DEFAULT, "none kept"): "没有保存的镜次",
    (DEFAULT, "Recognised words"): "识别的文字",
    (DEFAULT, "no recognised words kept"): "没有保存的识别文字",
    (
        DEFAULT,
        "What Recognise Words heard: a range or a take run again is not recognised again",
    ): "“识别语音文字”听到的文字：重新生成范围或镜次时不再重新识别",
    (DEFAULT, "Recording cues"): "录音线索",
    (
        DEFAULT,
        "What a take measured in its recording: a re-generated range reads it instead",
    ): "镜次从录音中测得的内容：重新生成范围时读取它，而不是重新读取录音",
    (DEFAULT, "no recording cues kept"): "没有保存的录音线索",
    (DEFAULT, "Downloads"): "下载",
    (
        DEFAULT,
        "Online access is disabled (Preferences > System > Network)",
    ): "联机访问已禁用（偏好设置 > 系统 > 网络）",
    (DEFAULT, "Checkpoint URL"): "检查点 URL",
    (
        DEFAULT,
        "Where Download DualTalk Checkpoint fetches DualTalk.pth (default: the authors' Hugging Face "
        "repository). The weights are the DualTalk authors', under the authors' terms, which you must check "
        "before use; this add-on does not redistribute them and its GPL does not cover them",
    ): (
        "“下载 DualTalk 检查点”获取 DualTalk.pth 的位置（默认：作者的 Hugging Face 仓库）。权重属于 DualTalk "
        "的作者，受作者条款约束，使用前必须查看；本插件不再分发这些权重，其 GPL 许可也不涵盖它们"
    ),
    (DEFAULT, "Checkpoint sha256"): "检查点 sha256",
    (DEFAULT, "Expected sha256 (optional)"): "预期的 sha256（可选）",
    (OPERATOR, "Download DualTalk Checkpoint"): "下载 DualTalk 检查点",
    (DEFAULT, "FLAME map URL"): "FLAME 映射 URL",
    (
        DEFAULT,
        "Where to fetch the ARKit/FLAME 51x103 linear map (.npy/.npz/.json/.csv). A published map (e.g. from "
        "the BEAT2 tools) may carry a non-commercial licence: check it before use. Without a map, only jaw "
        "and head transfer (built in, no licence needed)",
    ): (
        "获取 ARKit/FLAME 51x103 线性映射（.npy/.npz/.json/.csv）的位置。已发布的映射（例如来自 BEAT2 工具）"
        "可能带有非商业许可：使用前请查看。没有映射时，只传递下巴和头部（内置，无需许可）"
    ),
    (DEFAULT, "Map sha256"): "映射 sha256",
    (OPERATOR, "Download FLAME Map"): "下载 FLAME 映射",
    (DEFAULT, "FLAME map file"): "FLAME 映射文件",
    (
        DEFAULT,
        "ARKit/FLAME map used when rig and engine spaces differ",
    ): "绑定与引擎的空间不同时使用的 ARKit/FLAME 映射",
    (DEFAULT, "only"): "独有",  # the take list: a take only this character holds
}

# Blender's language codes (Preferences > Interface > Translation > Language).
TRANSLATIONS: dict[str, Table] = {"ja_JP": JA_JP, "zh_HANS": ZH_HANS}


def _api() -> Any:
    """``bpy.app.translations`` (a function, so the tests can stand in for it)."""
    import bpy

    return bpy.app.translations


def register() -> bool:
    """Hand the tables to Blender. Never raises: without them the interface is simply English.
    A table still registered under our name (an unregister that never ran) is replaced."""
    try:
        api = _api()
        api.unregister(NAME)
        api.register(NAME, TRANSLATIONS)
    except Exception as exc:
        log.warning(
            "DualTalk: interface translations not registered, the interface stays in English (%s)", exc
        )
        return False
    return True


def unregister() -> None:
    """Take back our tables, and only ours. Never raises: disabling the add-on goes on."""
    try:
        _api().unregister(NAME)
    except Exception as exc:
        log.warning("DualTalk: interface translations not unregistered (%s)", exc)
