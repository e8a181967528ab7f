"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask (files 0644 unless their maker asks for less), put back afterwards."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)
