"""Every command is documented, and docs/cli.md matches the real --help."""
from __future__ import annotations

import click

from bilat.cli import cli, help_markdown
from conftest import ROOT


def commands() -> list[str]:
    with click.Context(cli) as ctx:
        return cli.list_commands(ctx)


def test_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == help_markdown(), \
        "docs/cli.md is stale: run `make docs`"


def test_every_command_has_a_readme_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(commands()) >= 6
    for name in commands():
        assert f"### `bilat {name}" in readme, f"README.md lacks a section for `bilat {name}`"


def test_readme_opens_with_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
