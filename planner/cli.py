"""Command line: a thin layer that parses arguments and calls the library."""

from __future__ import annotations

import argparse
import sys


def _data_build(args: argparse.Namespace) -> int:
    from planner.build import build

    build(sr28_dir=args.sr28, fndds_dir=args.fndds, out_dir=args.out)
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b12-planner", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="build or download the food table")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    b = data_sub.add_parser(
        "build",
        help="build data/ from raw USDA releases",
        epilog="Example: python -m planner data build --sr28 ../shared/usda/sr28 "
        "--fndds ../shared/usda/fndds-2021-2023 --out data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("--sr28", required=True, help="folder of the SR28 ASCII release")
    b.add_argument("--fndds", required=True, help="folder of the FNDDS At A Glance workbooks")
    b.add_argument("--out", default="data", help="output folder (default: data)")
    b.set_defaults(func=_data_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
