#!/usr/bin/env python3
"""Write (`--write`) or check (`--check`) every generated file of the golden corpus.

An implementation of SPEC.md §1 independent of the Rust code: Python 3.11 + `cryptography`.
`--check` exits 1, printing each differing, missing or stray file or case folder.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import cases_create_session, cases_error, cases_identity, cases_response, selftest  # noqa: E402
from gen.common import VECTORS, Case  # noqa: E402

MODULES = (cases_create_session, cases_identity, cases_response, cases_error)
FOLDERS = tuple(m.FOLDER for m in MODULES)


def all_cases() -> list[Case]:
    selftest.run()
    cases = [c for m in MODULES for c in m.build()]
    seen = set()
    for c in cases:
        if (c.folder, c.name) in seen:
            raise AssertionError(f"duplicate case {c.folder}/{c.name}")
        seen.add((c.folder, c.name))
    return cases


def write(cases: list[Case]) -> None:
    wanted = {(c.folder, c.name) for c in cases}
    for folder in FOLDERS:
        root = VECTORS / folder
        if root.is_dir():
            for d in root.iterdir():
                if (folder, d.name) not in wanted:
                    shutil.rmtree(d) if d.is_dir() else d.unlink()
    for c in cases:
        d = VECTORS / c.folder / c.name
        d.mkdir(parents=True, exist_ok=True)
        for f in d.iterdir():
            if f.name not in c.files:
                f.unlink()
        for name, data in c.files.items():
            path = d / name
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)


def check(cases: list[Case]) -> list[str]:
    problems = []
    wanted = {(c.folder, c.name) for c in cases}
    for folder in FOLDERS:
        root = VECTORS / folder
        for d in sorted(root.iterdir()) if root.is_dir() else []:
            if (folder, d.name) not in wanted:
                problems.append(f"stray: {folder}/{d.name}")
    for c in cases:
        d = VECTORS / c.folder / c.name
        if not d.is_dir():
            problems.append(f"missing case: {c.folder}/{c.name}")
            continue
        for f in sorted(d.iterdir()):
            if f.name not in c.files:
                problems.append(f"stray: {c.folder}/{c.name}/{f.name}")
        for name, data in sorted(c.files.items()):
            path = d / name
            if not path.is_file():
                problems.append(f"missing: {c.folder}/{c.name}/{name}")
            elif path.read_bytes() != data:
                problems.append(f"differs: {c.folder}/{c.name}/{name}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate every case")
    mode.add_argument("--check", action="store_true", help="exit 1 on any difference")
    args = ap.parse_args()
    cases = all_cases()
    if args.write:
        write(cases)
        counts = {f: sum(c.folder == f for c in cases) for f in FOLDERS}
        print("wrote " + ", ".join(f"{f}: {n}" for f, n in counts.items()))
        return 0
    problems = check(cases)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} difference(s); run: python3 tests/vectors/generate.py --write",
              file=sys.stderr)
        return 1
    print(f"ok: {len(cases)} cases match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
