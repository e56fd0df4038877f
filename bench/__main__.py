"""`python -m bench NAME [ARGS]`: run one benchmark or data script from this folder (each has a `main(argv)`)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in _names():
        print("usage: python -m bench NAME [ARGS]\n\nNAME is one of: " + ", ".join(_names()), file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(f"bench.{sys.argv[1]}")
    if not hasattr(module, "main"):
        print(f"bench.{sys.argv[1]} has no main()", file=sys.stderr)
        raise SystemExit(2)
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
