"""`python -m bench.variants OUT_DIR [--only NAME]`: write the held-out variant bundles."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.variants import VARIANTS, build_all, build_one


def main() -> None:
    """Parse arguments and write the bundles."""
    ap = argparse.ArgumentParser(prog="python -m bench.variants", description=__doc__)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--only", help="build just this variant")
    args = ap.parse_args()
    if args.only:
        spec = next((s for s in VARIANTS if s.name == args.only), None)
        if spec is None:
            raise SystemExit(f"unknown variant {args.only!r}; known: {', '.join(s.name for s in VARIANTS)}")
        print(build_one(spec, args.out_dir))
        return
    for path in build_all(args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
