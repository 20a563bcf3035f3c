"""The docs stay true: every command and option README.md shows exists, every file
docs/ARCHITECTURE.md names is there, and every Makefile target README.md names is defined."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import REPO
from newsarchive.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def shown_commands() -> list[list[str]]:
    """`newsarchive …` lines of README's shell blocks, as argument lists without comments."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("newsarchive "):
                lines.append(shlex.split(line)[1:])
    return lines


@pytest.mark.parametrize("args", shown_commands(), ids=lambda args: " ".join(args)[:60])
def test_readme_commands_and_options_exist(args):
    command = cli.commands.get(args[0])
    assert command is not None, f"README shows `newsarchive {args[0]}`, which does not exist"
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in args[1:]:
        if word.startswith("--"):
            assert word.split("=")[0] in known, f"`newsarchive {args[0]}` has no option {word}"


def test_readme_names_every_command():
    shown = {args[0] for args in shown_commands()} | set(re.findall(r"`newsarchive (\w[\w-]*)", README))
    assert set(cli.commands) - shown == set()


def test_make_targets_named_in_readme_exist():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    named = set(re.findall(r"\bmake ([\w-]+)", README))
    assert named and named <= targets


def test_files_named_in_architecture_exist():
    paths = set(re.findall(r"`((?:newsarchive|spiders|tests|bench|deploy|docs)/[\w/.*-]+)`", ARCHITECTURE))
    assert paths
    missing = [p for p in paths if not list(REPO.glob(p.rstrip("/")))]
    assert missing == []
