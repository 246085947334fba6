"""Language tags as users type them, and choosing a scenario's language variant."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from replykit.errors import UsageError
from replykit.packs.languages import Choice, choose_language, parse_tag
from replykit.packs.library import Library, search_path
from replykit.packs.scenario import Scenario


@pytest.mark.parametrize(
    ("typed", "tag"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("pt-BR", "pt-BR"),
        ("pt_BR", "pt-BR"),
        ("pt-br", "pt-BR"),
        ("pt_BR.UTF-8", "pt-BR"),  # a POSIX locale, as in $LANG
        ("de_CH@euro", "de-CH"),
        ("zh-Hans", "zh-Hans"),
        ("ZH-HANS-cn", "zh-Hans-CN"),
        ("zh_CN", "zh-CN"),
        ("es-419", "es-419"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("de-CH-1996", "de-CH-1996"),
        ("en-US-x-Twain", "en-US-x-twain"),  # after a singleton, everything is lower case
        (" fr ", "fr"),
        ("", None),
        ("d", None),
        ("C", None),
        ("12", None),
        ("de--CH", None),
        ("de-", None),
        ("de/CH", None),
        ("x-private", None),
        ("english language", None),
    ],
)
def test_parse_tag(typed: str, tag: str | None) -> None:
    assert parse_tag(typed) == tag


def scenario(*languages: str, default: str = "en") -> Scenario:
    base = Library(search_path()).find("missing-items")
    return replace(base, language=default, templates=tuple((lang, Path(f"{lang}.j2")) for lang in languages))


SHIPPED = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt-BR", "ru")


@pytest.mark.parametrize(
    ("available", "requested", "language", "notice"),
    [
        (SHIPPED, None, "en", ""),
        (SHIPPED, "", "en", ""),
        (SHIPPED, "de", "de", ""),
        (SHIPPED, "pt_BR", "pt-BR", ""),
        (SHIPPED, "PT-br", "pt-BR", ""),
        (SHIPPED, "ja_JP.UTF-8", "ja", ""),  # ja means ja-JP: not a fallback
        (SHIPPED, "pt", "pt-BR", ""),  # pt means pt-BR by likely subtags
        (SHIPPED, "pt-PT", "pt-BR", "has no 'pt-PT' reply; using 'pt-BR', the closest it has"),
        (SHIPPED, "de-AT", "de", "has no 'de-AT' reply; using 'de', the closest it has"),
        (SHIPPED, "es-MX", "es", "has no 'es-MX' reply; using 'es', the closest it has"),
        (SHIPPED, "en-GB", "en", "has no 'en-GB' reply; using 'en', the closest it has"),
        (SHIPPED, "ar-EG", "ar", ""),
        (SHIPPED, "sv", "en", "has no 'sv' reply and no close language; using its default 'en' (available: ar, de"),
        (SHIPPED, "zh-TW", "en", "has no 'zh-TW' reply and no close language"),
        # The chain of the issue: pt-BR, then pt, then the default.
        (("en", "pt"), "pt-BR", "pt", ""),
        (("en", "pt", "pt-BR"), "pt-BR", "pt-BR", ""),
        (("en", "fr"), "pt-BR", "en", "no close language; using its default 'en' (available: en, fr)"),
        # Mappings a prefix match misses.
        (("en", "zh-Hans", "zh-Hant"), "zh-CN", "zh-Hans", ""),
        (("en", "zh-Hans", "zh-Hant"), "zh-TW", "zh-Hant", ""),
        (("en", "zh-Hans", "zh-Hant"), "zh-HK", "zh-Hant", "has no 'zh-HK' reply; using 'zh-Hant'"),
        (("en", "no"), "nb-NO", "no", "has no 'nb-NO' reply; using 'no', the closest it has"),
        (("en", "no"), "nb", "no", "has no 'nb' reply; using 'no'"),
        (("en", "de", "de-CH"), "gsw", "de-CH", "has no 'gsw' reply; using 'de-CH'"),
        (("en", "de", "de-CH"), "de-ch", "de-CH", ""),
        (("en", "he"), "iw", "he", ""),  # a deprecated code
        # A scenario whose default is not English.
        (("de", "fr"), "ja", "de", "using its default 'de' (available: de, fr)"),
    ],
)
def test_choose_language(available: tuple[str, ...], requested: str | None, language: str, notice: str) -> None:
    default = "de" if available == ("de", "fr") else "en"
    choice = choose_language(scenario(*available, default=default), requested)
    assert choice.language == language
    if notice:
        assert notice in choice.notice
        assert choice.notice.startswith("missing-items has no ")
    else:
        assert choice == Choice(language)


@pytest.mark.parametrize(
    ("requested", "message", "hint"),
    [
        ("not a tag", "--lang 'not a tag' is not a language tag", "use a BCP 47 tag such as de, pt-BR or zh-Hans"),
        ("de/CH", "--lang 'de/CH' is not a language tag", "available: de, en, pt-BR"),
        ("xx", "--lang 'xx' names no known language", "ISO 639 code"),
        ("german", "--lang 'german' is not a language tag", "available: de, en, pt-BR"),
    ],
)
def test_bad_tags_list_the_languages(requested: str, message: str, hint: str) -> None:
    with pytest.raises(UsageError) as caught:
        choose_language(scenario("de", "en", "pt-BR"), requested)
    assert caught.value.message == message
    assert hint in caught.value.hint


def test_the_source_of_the_tag_is_named() -> None:
    with pytest.raises(UsageError, match="^profile lang .x y. is not a language tag\n"):
        choose_language(scenario("en"), "x y", source="profile lang")


def test_exact_matches_do_not_load_the_negotiation_data() -> None:
    """The common case stays fast: an exact tag never imports langcodes."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom replykit.packs.languages import match_language\n"
        "assert match_language('pt_br', ['en', 'pt-BR']).language == 'pt-BR'\n"
        "print('langcodes' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"


@pytest.mark.parametrize(
    ("files", "languages", "default"),
    [
        ({"en.j2": "x", "pt_br.j2": "x"}, ("en", "pt-BR"), "en"),  # file names are read like --lang
        ({"EN.j2": "x", "zh-hans.j2": "x"}, ("en", "zh-Hans"), "en"),
        ({"de.j2": "x", "de-CH.j2": "x"}, ("de", "de-CH"), "de"),
    ],
)
def test_template_file_names_are_language_tags(
    make_pack, files: dict[str, str], languages: tuple[str, ...], default: str
) -> None:  # type: ignore[no-untyped-def]
    yaml = "title: T\nsummary: S\nfields:\n  name:\n" + (f"language: {default.upper()}\n" if default != "en" else "")
    pack = make_pack({"s/scenario.yaml": yaml, **{f"s/{n}": "Subject: x\n\nHi {{ name }}\n" for n in files}})
    scenario = Library(search_path(templates_dirs=(pack,))).find("s")
    assert (scenario.languages, scenario.language) == (languages, default)


@pytest.mark.parametrize(
    ("files", "yaml", "message"),
    [
        ({"en.j2", "german.j2"}, "", "'german.j2' is not named by a language tag"),
        ({"en.j2", "en.bak.j2"}, "", "'en.bak.j2' is not named by a language tag"),
        ({"en.j2", "pt_BR.j2", "pt-BR.j2"}, "", "are both the pt-BR reply"),
        ({"en.j2"}, "language: english\n", "scenario.yaml:5: language 'english' is not a language tag"),
        ({"en.j2"}, "language: fr\n", "scenario.yaml:5: default language 'fr' has no template fr.j2"),
    ],
)
def test_badly_named_languages_are_reported_with_the_file(make_pack, files: set[str], yaml: str, message: str) -> None:  # type: ignore[no-untyped-def]
    from replykit.errors import ScenarioInvalid

    pack = make_pack({"s/scenario.yaml": "title: T\nsummary: S\nfields:\n  name:\n" + yaml,
                      **{f"s/{n}": "Subject: x\n\nHi {{ name }}\n" for n in files}})  # fmt: skip
    with pytest.raises(ScenarioInvalid) as caught:
        Library(search_path(templates_dirs=(pack,))).find("s")
    assert message in caught.value.message
    assert str(pack / "s") in caught.value.message


def test_rendering_a_language_the_scenario_lacks_is_an_error_not_a_crash() -> None:
    from replykit.errors import ScenarioNotFound
    from replykit.rendering.templates import render_scenario

    library = Library(search_path())
    scenario = library.find("missing-items")
    with pytest.raises(ScenarioNotFound, match="missing-items has no 'sv' reply"):
        render_scenario(scenario, {"name": "A"}, lang="sv", roots=library.roots)
