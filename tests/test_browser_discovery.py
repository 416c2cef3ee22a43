"""Finding a Chromium: the configured one first, a clear error when it is wrong."""

import os
import stat

import pytest

from autograder.browser import find_chromium
from autograder.errors import BrowserNotFound


def test_configured_executable_wins(tmp_path, monkeypatch):
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("AUTOGRADER_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


def test_configured_path_that_is_not_executable_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CHROMIUM", str(tmp_path / "nope"))
    with pytest.raises(BrowserNotFound, match="AUTOGRADER_CHROMIUM"):
        find_chromium()


def test_nothing_anywhere_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOGRADER_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    with pytest.raises(BrowserNotFound, match="apt-get install"):
        find_chromium()


def test_a_chromium_is_available_here():
    """make test installs one; the browser tests rely on it."""
    assert os.access(find_chromium(), os.X_OK)
