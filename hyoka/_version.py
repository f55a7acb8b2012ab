"""hyoka's version, in one place: pyproject.toml reads it from here (tool.setuptools.dynamic), and
`hyoka --version` prints it without importlib.metadata (0.1 s of imports)."""

__version__ = "0.1.0"
