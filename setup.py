"""Map the repository's top-level folders onto the one import package ``medoffice``.

``core/``, ``ui/``, ``plugins/``, ``tui/`` and ``testing/`` install as ``medoffice.core``,
``medoffice.ui`` (the plugins' UI kit), ``medoffice.plugins``, ``medoffice.tui`` and ``medoffice.testing`` (the mapping itself is
``package-dir`` in pyproject.toml). setuptools cannot discover renamed packages on its own,
so this file lists them; everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

ROOTS = ("core", "ui", "plugins", "tui", "testing")

setup(
    packages=[
        f"medoffice.{name}"
        for name in find_packages(include=[f"{root}*" for root in ROOTS])
        if name.split(".")[0] in ROOTS
    ],
)
