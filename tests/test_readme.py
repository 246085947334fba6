"""The README is real: its worked example and every reply it shows are what replykit prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from replykit.cli.app import app

README = Path(__file__).resolve().parents[1] / "README.md"


def test_worked_example_renders_as_shown(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### A worked example") : text.index("### The format")]
    yaml_text, template = re.findall(r"```(?:yaml|jinja)\n(.*?)```", section, re.S)
    console = re.search(r"```console\n\$ (replykit .*?)\n(.*?)```", section, re.S)
    assert console is not None
    scenario = tmp_path / "my-pack" / "company-invoice"
    scenario.mkdir(parents=True)
    (scenario / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
    (scenario / "en.j2").write_text(template, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shlex.split(console.group(1))[1:])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == console.group(2)
    # As the README says, the pack passes its own check.
    checked = CliRunner().invoke(app, ["check", "--templates-dir", "my-pack"])
    assert checked.exit_code == 0 and checked.stderr.endswith("0 errors, 0 warnings\n"), checked.stderr


def test_the_library_section_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_readme", README.parent / "scripts" / "update_readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = README.read_text(encoding="utf-8")
    assert module.updated(text) == text, "run: python scripts/update_readme.py"


def _shown_renders() -> list[tuple[str, str]]:
    """Every `$ replykit render ...` in a console block of the README that shows its output."""
    text = README.read_text(encoding="utf-8")
    section_of_worked_example = text[text.index("### A worked example") : text.index("### The format")]
    found = []
    for block in re.findall(r"```console\n(.*?)```", text.replace(section_of_worked_example, ""), re.S):
        lines = block.replace("\\\n", " ").split("\n")
        for index, line in enumerate(lines):
            if not line.startswith("$ "):
                continue
            command = line[2:].split("&& ")[-1].split("  #")[0].strip()
            output = []
            for following in lines[index + 1 :]:
                if following.startswith("$ "):
                    break
                output.append(following)
            shown = "\n".join(output)
            abridged = "..." in shown or "/home/sam/" in shown  # elided, or about a file on that machine
            writes = re.search(r"[<|>]| -o |--output|\$'", command)
            if command.startswith("replykit render") and shown.strip() and not abridged and not writes:
                found.append((command, shown))
    return found


def test_every_reply_shown_in_the_readme_is_what_replykit_prints(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPLYKIT_FROM", "Harbour Shop <shop@example.com>")  # as the email section sets it
    shown = _shown_renders()
    assert len(shown) >= 4, shown  # the quick start, everyday use, and the reply in two languages
    for command, output in shown:
        result = CliRunner().invoke(app, shlex.split(command)[1:])
        if output.startswith("error: "):  # an example of a mistake: the message is what is shown
            assert result.exit_code != 0 and result.stderr == output, command
        else:
            assert result.exit_code == 0, f"{command}\n{result.stderr}"
            assert result.stdout == output, command
