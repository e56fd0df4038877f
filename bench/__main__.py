"""`python -m bench NAME [ARGS]`: run one benchmark or data script from this folder (each has a `main(argv)`).
`python -m bench` alone runs every benchmark in turn (not the `make_*` data scripts, which write files)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def _run(name: str, argv: list[str]) -> None:
    module = importlib.import_module(f"bench.{name}")
    if not hasattr(module, "main"):
        print(f"bench.{name} has no main()", file=sys.stderr)
        raise SystemExit(2)
    module.main(argv)


def main() -> None:
    if len(sys.argv) < 2:
        for name in _names():
            if not name.startswith("make_") and hasattr(importlib.import_module(f"bench.{name}"), "main"):
                print(f"\n=== bench {name} ===", flush=True)
                _run(name, [])
        return
    if sys.argv[1] not in _names():
        print("usage: python -m bench [NAME [ARGS]]\n\nNAME is one of: " + ", ".join(_names()), file=sys.stderr)
        raise SystemExit(2)
    _run(sys.argv[1], sys.argv[2:])


if __name__ == "__main__":
    main()
