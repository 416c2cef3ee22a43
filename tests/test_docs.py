"""The README and the pages under docs/ hold together: a newcomer who follows a link lands on a page and a
heading that exist, every page is reachable from the README, the README's check table is the catalogue's,
and every `autograder` command and option the pages show is one the command line has."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from autograder.checks.catalog import CHECKS
from autograder.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def prose(text: str) -> str:
    """The text without its fenced code blocks (a `#` comment there is no heading, a link no link)."""
    return FENCE.sub("", text)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(prose(path.read_text(encoding="utf-8"))):
        name, n = slug(heading), 1
        while name in found:  # a repeated heading gets -1, -2, ...
            name, n = f"{slug(heading)}-{n}", n + 1
        found.add(name)
    return found


def relative_links(path: Path) -> list[str]:
    return [target for target in LINK.findall(prose(path.read_text(encoding="utf-8")))
            if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_a_heading(page):
    broken = []
    for target in relative_links(page):
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    assert not broken, broken


def test_the_readme_links_every_page_of_docs():
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in relative_links(README)}
    missing = [str(page.relative_to(ROOT)) for page in PAGES[1:] if page.name.endswith(".md") and page not in linked]
    assert not missing, f"pages the README does not link: {missing}"


def check_table(path: Path) -> dict[str, int]:
    """The first table of a page whose first column is check ids: id -> points ("(bonus)" marks kept)."""
    rows = re.findall(r"^\| `([a-z-]+)`( \(bonus\))? \| (\d+) \|", path.read_text(encoding="utf-8"), re.M)
    return {check_id + bonus: int(points) for check_id, bonus, points in rows}


@pytest.mark.parametrize("page", [README, ROOT / "docs" / "checks.md"], ids=lambda p: p.name)
def test_the_check_tables_are_the_catalogue(page):
    expected = {check.id + (" (bonus)" if check.bonus else ""): check.points for check in CHECKS}
    assert check_table(page) == expected


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def shown_commands() -> list[tuple[str, str]]:
    """(page, command line) for every `autograder ...` the pages show, in code blocks or inline code; a
    block's lines that go on with `[--option ...]` belong to the command above them."""
    found: list[tuple[str, str]] = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        lines = [line for block in FENCE.findall(text) for line in block.splitlines()]
        lines += CODE_SPAN.findall(prose(text))
        command = None
        for line in lines:
            start = re.search(r"(?:^\s*|-m )(autograder [a-z])", line)  # not Python's `from autograder import`
            if start:
                command = line[start.start(1):].split("#")[0].strip()
                found.append((str(page.relative_to(ROOT)), command))
            elif command and re.match(r"\s+\[", line):
                found[-1] = (found[-1][0], found[-1][1] + " " + line.strip())
            else:
                command = None
    return sorted(set(found))


@pytest.mark.parametrize("page, line", shown_commands(), ids=lambda value: value[:70])
def test_every_shown_command_and_option_exists(page, line):
    parser, words = build_parser(), line.split()[1:]
    while words and re.fullmatch(r"[a-z]+[:,.]?", words[0]) and subcommands(parser):
        commands, name = subcommands(parser), words[0].rstrip(":,.")
        assert name in commands, f"{page}: no command {name!r} in {line!r}"
        parser, words = commands[name], words[1:]
    options = {option for action in parser._actions for option in action.option_strings}
    shown = {match.group() for word in words if (match := re.match(r"--[a-z][a-z-]*", word.lstrip("[|")))}
    assert shown <= options, f"{page}: {sorted(shown - options)} not options of {line!r}"


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_make_target_shown_exists(page):
    text = page.read_text(encoding="utf-8")
    lines = [line.strip() for block in FENCE.findall(text) for line in block.splitlines()]
    lines += CODE_SPAN.findall(prose(text))
    shown = {match.group(1) for line in lines if (match := re.match(r"make ([a-z][\w-]*)", line))}
    assert shown <= make_targets(), sorted(shown - make_targets())
