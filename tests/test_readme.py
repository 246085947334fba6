"""The README's worked example is real: its files render to the output it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from replykit.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def test_worked_example_renders_as_shown(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### A worked example") : text.index("### The format")]
    yaml_text, template = re.findall(r"```(?:yaml|jinja)\n(.*?)```", section, re.S)
    console = re.search(r"```console\n\$ (replykit .*?)\n(.*?)```", section, re.S)
    assert console is not None
    scenario = tmp_path / "my-pack" / "invoice-request"
    scenario.mkdir(parents=True)
    (scenario / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
    (scenario / "en.j2").write_text(template, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shlex.split(console.group(1))[1:])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == console.group(2)


def test_the_library_section_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_readme", README.parent / "scripts" / "update_readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = README.read_text(encoding="utf-8")
    assert module.updated(text) == text, "run: python scripts/update_readme.py"
