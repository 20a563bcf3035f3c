"""The docs stay true: every command and option README.md shows exists, every file
docs/ARCHITECTURE.md names is there, its table of concerns names every module, and every
Makefile target README.md names is defined."""

from __future__ import annotations

import ast
import re
import shlex

import click
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


def resolve(args: list[str]):
    """The command a README line runs, through groups (`watch add`), its name, and the words after it."""
    command, name, rest = cli.commands.get(args[0]), args[0], args[1:]
    while isinstance(command, click.Group) and rest and rest[0] in command.commands:
        command, name, rest = command.commands[rest[0]], f"{name} {rest[0]}", rest[1:]
    return command, name, rest


@pytest.mark.parametrize("args", shown_commands(), ids=lambda args: " ".join(args)[:60])
def test_readme_commands_and_options_exist(args):
    command, name, rest = resolve(args)
    assert command is not None, f"README shows `newsarchive {args[0]}`, which does not exist"
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in rest:
        if word.startswith("--"):
            assert word.split("=")[0] in known, f"`newsarchive {name}` has no option {word}"


def test_readme_names_every_command():
    shown = {resolve(args)[1] for args in shown_commands()}
    shown |= set(re.findall(r"`newsarchive (\w[\w-]*(?: \w[\w-]*)?)", README))
    shown |= {name.split(" ")[0] for name in shown}
    commands = set(cli.commands) | {f"{name} {sub}" for name, group in cli.commands.items()
                                    if isinstance(group, click.Group) for sub in group.commands}
    assert commands - shown == set()


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


def concern_table_modules() -> set[str]:
    """The files the table of concerns names: full paths, and bare names after one (same folder);
    a folder (`newsarchive/cli/`) names its __init__.py."""
    section = ARCHITECTURE.split("## Where each concern lives", 1)[1].split("\n## ", 1)[0]
    named = set()
    for row in section.splitlines():
        if not row.startswith("|"):
            continue
        folder = None
        for token in re.findall(r"`([^`]+)`", row.rsplit("|", 2)[-2]):
            if "/" in token:
                path = token.rstrip("/")
                folder = path if token.endswith("/") else path.rsplit("/", 1)[0]
                if token.endswith("/") and (REPO / path / "__init__.py").exists():
                    named.add(f"{path}/__init__.py")
                elif token.endswith(".py"):
                    named.add(path)
            elif folder and token.endswith(".py"):
                named.add(f"{folder}/{token}")
    return named


def code_modules() -> set[str]:
    """Every module of the package and the spiders, but __main__ and __init__ files that only name a
    package (no function or class in them)."""
    found = set()
    for path in [*REPO.glob("newsarchive/**/*.py"), *REPO.glob("spiders/*.py")]:
        if path.name == "__main__.py":
            continue
        if path.name == "__init__.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if not any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in tree.body):
                continue
        found.add(path.relative_to(REPO).as_posix())
    return found


def test_table_of_concerns_matches_the_tree():
    named, modules = concern_table_modules(), code_modules()
    assert modules - named == set(), "modules the table of concerns does not name"
    assert {path for path in named if not (REPO / path).exists()} == set(), "named in the table, not in the tree"
