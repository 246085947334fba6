"""Shell completion through the protocol the installed scripts speak (``replykit --show-completion``).

Typer keeps Click 7's instruction order: bash runs ``_REPLYKIT_COMPLETE=complete_bash`` with
COMP_WORDS and COMP_CWORD and reads one candidate per line; zsh and fish pass the line in
``_TYPER_COMPLETE_ARGS``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from replykit.cli.complete import field_choices
from replykit.config import KEYS
from replykit.packs.fields import Field

MakePack = Callable[[dict[str, str]], Path]

LANGUAGES = ["ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt-BR", "ru"]
PACK = {
    "mine/scenario.yaml": """
        title: Mine
        summary: s
        tags: [wholesale]
        fields:
          name:
          tone:
            choices: [warm, brief]
            default: warm
        """,
    "mine/en.j2": "Subject: x\n\nHi {{ name }} {{ tone }}\n",
    "mine/de-CH.j2": "Subject: x\n\nGrüezi {{ name }} {{ tone }}\n",
}


def bash(replykit_bin: str, line: str, **env: str) -> list[str]:
    """The candidates bash gets for the last word of ``line`` (a trailing space starts a new word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    done = subprocess.run(
        [replykit_bin],
        env={**os.environ, **env, "_REPLYKIT_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, ""), line
    return done.stdout.splitlines() if done.stdout.strip() else []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("replykit render damaged-item --remedy ", ["replacement", "refund", "partial-refund", "buyer-proposal"]),
        ("replykit render damaged-item --remedy re", ["replacement", "refund"]),
        ("replykit render damaged-item --name ", []),
        ("replykit render damaged-item --name Alice --remedy par", ["partial-refund"]),
        ("replykit render late", ["late-delivery"]),
        ("replykit render --lang de damaged", ["damaged-item"]),
        ("replykit show neg", ["negative-review"]),
        ("replykit edit wrong", ["wrong-item"]),
        ("replykit new mine --from refund", ["refund-issued"]),
        ("replykit render damaged-item --lang p", ["pl", "pt-BR"]),
        ("replykit show missing-items --lang ", LANGUAGES),
        ("replykit edit wrong-item --lang e", ["en", "es"]),
        ("replykit render --lang ", LANGUAGES),
        ("replykit list --lang ", LANGUAGES),
        ("replykit new mine --lang k", ["ko"]),
        ("replykit list --tag ", ["delivery", "payment", "pre-sale", "quality", "returns", "reviews"]),
        ("replykit list --tag re", ["returns", "reviews"]),
        ("replykit config set ", list(KEYS)),
        ("replykit config get s", ["seller_name", "store_name", "support_email"]),
        ("replykit config unset cu", ["currency"]),
        ("replykit render damaged-item --format ", ["text", "markdown", "json", "subject", "eml", "mailto"]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bash_completes_values(replykit_bin: str, line: str, expected: list[str]) -> None:
    assert bash(replykit_bin, line) == expected


def test_languages_and_tags_come_from_the_packs_on_the_line(replykit_bin: str, make_pack: MakePack) -> None:
    pack = make_pack(PACK)
    assert bash(replykit_bin, f"replykit render --templates-dir {pack} mine --lang ") == ["de-CH", "en"]
    assert bash(replykit_bin, f"replykit render --templates-dir {pack} mine --tone ") == ["warm", "brief"]
    assert bash(replykit_bin, f"replykit show mine --templates-dir {pack} --lang d") == ["de-CH"]
    assert bash(replykit_bin, f"replykit list --templates-dir {pack} --lang d") == ["de", "de-CH"]
    assert bash(replykit_bin, f"replykit list --templates-dir {pack} --tag w") == ["wholesale"]
    assert bash(replykit_bin, "replykit render mi", REPLYKIT_PATH=str(pack)) == ["mine", "missing-items"]


def test_profiles_come_from_the_config_file(replykit_bin: str, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("default_profile: eu\nprofiles:\n  eu:\n    seller_name: Sam\n  us: {}\n", encoding="utf-8")
    for line in ("replykit render missing-items --profile ", "replykit config set --profile ",
                 "replykit config get --profile ", "replykit config unset --profile ",
                 "replykit config list --profile ", "replykit config default "):  # fmt: skip
        assert bash(replykit_bin, line, REPLYKIT_CONFIG=str(config)) == ["eu", "us"], line
    assert bash(replykit_bin, "replykit config list --profile ") == ["default"]  # no config file yet


def test_broken_files_and_unknown_names_give_no_candidates_and_no_error(
    replykit_bin: str, make_pack: MakePack, tmp_path: Path
) -> None:
    """Completion prints nothing but candidates: bash would put anything else on the user's line."""
    config = tmp_path / "config.yaml"
    config.write_text("profiles: [\n", encoding="utf-8")
    assert bash(replykit_bin, "replykit config get --profile ", REPLYKIT_CONFIG=str(config)) == []
    broken = make_pack({"broken/scenario.yaml": "title: [\n", "broken/en.j2": "Subject: x\n\nx\n"})
    assert bash(replykit_bin, f"replykit render --templates-dir {broken} broken --tone ") == []
    assert bash(replykit_bin, f"replykit render --templates-dir {broken} broken --lang ") == []
    assert "en" in bash(replykit_bin, f"replykit list --templates-dir {broken} --lang ")  # the others still load
    assert bash(replykit_bin, f"replykit render --templates-dir {tmp_path / 'gone'} x --tone ") == []
    assert bash(replykit_bin, f"replykit list --templates-dir {tmp_path / 'gone'} --tag ") == []
    assert bash(replykit_bin, "replykit show nope --lang ") == []
    assert bash(replykit_bin, "replykit render nope --lang ") == []
    assert bash(replykit_bin, "replykit render damagd-item --remedy ") == []  # not the scenario ids


def test_zsh_and_fish_get_the_field_choices_and_the_keys_with_their_meaning(replykit_bin: str) -> None:
    def run(shell: str, line: str, **env: str) -> str:
        env = {**os.environ, **env, "_REPLYKIT_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
        done = subprocess.run([replykit_bin], env=env, capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stderr) == (0, "")
        return done.stdout

    zsh = run("zsh", "replykit render damaged-item --remedy re")
    assert zsh == '_arguments \'*: :(("replacement"\n"refund"))\'\n'
    fish = run("fish", "replykit config set lan", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert fish == f"lang\t{KEYS['lang']}\n"


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        (Field("tone", choices=("warm", "brief")), "", ["warm", "brief"]),
        (Field("tone", choices=("warm", "brief")), "w", ["warm"]),
        (Field("tone", choices=("warm", "brief")), "x", []),
        (Field("note"), "", []),
        (Field("parts", type="list", choices=("lid", "base", "box")), "b", ["base", "box"]),
        (Field("parts", type="list", choices=("lid", "base", "box")), "lid,b", ["lid,base", "lid,box"]),
        (Field("parts", type="list", choices=("lid", "base", "box")), "lid, ", ["lid, lid", "lid, base", "lid, box"]),
    ],
    ids=["all", "prefix", "none-match", "free-text", "list-first", "list-after-comma", "list-after-space"],
)
def test_field_choices(field: Field, typed: str, expected: list[str]) -> None:
    assert field_choices(field)(None, [], typed) == expected  # type: ignore[arg-type]
