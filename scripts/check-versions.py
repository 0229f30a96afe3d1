#!/usr/bin/env python3
"""One version for every manifest: Cargo (workspace and every crate), pyproject, package.json.

Exits 1 naming each manifest whose version differs from the workspace's.
"""
import json
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    root = tomllib.loads((ROOT / "Cargo.toml").read_text())
    version = root["workspace"]["package"]["version"]
    problems = []
    for member in root["workspace"]["members"]:
        manifest = tomllib.loads((ROOT / member / "Cargo.toml").read_text())
        v = manifest["package"].get("version")
        if v != {"workspace": True} and v != version:
            problems.append(f"{member}/Cargo.toml: version {v!r}, expected workspace {version}")
        for table in ("dependencies", "dev-dependencies"):
            for name, dep in manifest.get(table, {}).items():
                if isinstance(dep, dict) and "path" in dep and dep.get("version", version) != version:
                    problems.append(f"{member}/Cargo.toml: {table}.{name} version {dep['version']}")
    for name, dep in root["workspace"].get("dependencies", {}).items():
        if isinstance(dep, dict) and "path" in dep and dep.get("version") != version:
            problems.append(f"Cargo.toml: workspace.dependencies.{name} version {dep.get('version')}")
    for path in ROOT.glob("packages/**/pyproject.toml"):
        if "node_modules" in path.parts:
            continue
        project = tomllib.loads(path.read_text()).get("project", {})
        if "version" in project.get("dynamic", []):
            continue  # maturin takes it from Cargo
        if project.get("version") != version:
            problems.append(f"{path.relative_to(ROOT)}: version {project.get('version')!r}")
    for path in ROOT.glob("packages/**/package.json"):
        if "node_modules" in path.parts:
            continue
        v = json.loads(path.read_text()).get("version")
        if v != version:
            problems.append(f"{path.relative_to(ROOT)}: version {v!r}")
    for p in problems:
        print("version mismatch:", p, file=sys.stderr)
    if not problems:
        print(f"versions: every manifest is {version}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
