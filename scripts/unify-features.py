#!/usr/bin/env python3
"""Checks that the builds Baton's scripts make share their compiled dependencies.

Cargo enables a dependency's features according to what one command builds, so `cargo test
--workspace` (scripts/test.sh), `cargo build -p baton-cli` (scripts/start.sh --cli) and `cargo
build -p baton-app` (scripts/start.sh) would each compile serde, tokio, proc-macro2… with other
features, and again. crates/baton-workspace-hack asks for the union of them all. This lists, from
`cargo tree` (nothing is compiled), every crate whose features still differ between the
workspace's test build and one of those builds, with the features to add to the hack (target
code under [dependencies], proc macros and build scripts under [build-dependencies]).
Exit status 1 when something differs.
"""
import re
import subprocess
import sys


def tree(args):
    out = subprocess.run(
        ["cargo", "tree", "--locked", *args, "-f", "{p}|{f}"],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(f"cargo tree {' '.join(args)} failed:\n{out.stderr}")
    return parse(out.stdout)


def parse(text):
    """(crate, "target" | "host") -> features, from cargo tree's indented output."""
    features = {}
    stack = []  # (level, host)
    section = None  # (level, header) of the last [build-dependencies] / [dev-dependencies]
    for raw in text.splitlines():
        if not raw.strip():
            stack, section = [], None
            continue
        m = re.match(r"^((?:│   |    |├── |└── )*)(.*)$", raw)
        level, body = len(m.group(1)) // 4, m.group(2)
        if body.startswith("["):
            section = (level, body)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        if section is not None and section[0] > level:
            section = None
        from_build = section is not None and section[0] == level and section[1] == "[build-dependencies]"
        package, _, feats = body.partition("|")
        package = package.replace(" (*)", "").strip()
        host = (stack[-1][1] if stack else False) or from_build or "(proc-macro)" in package
        name = package.split(" (")[0]
        key = (name, "host" if host else "target")
        features.setdefault(key, set()).update(f for f in feats.replace(" (*)", "").split(",") if f)
        stack.append((level, host))
    return features


def by_crate(features):
    """Both sides together: cargo tree prints a crate once with the features of whichever side
    it reached first, so only the union per crate compares reliably."""
    merged = {}
    for (name, side), feats in features.items():
        merged.setdefault(name, [set(), set()])
        merged[name][0] |= feats
        merged[name][1].add(side)
    return merged


def main():
    workspace = by_crate(tree(["--workspace", "-e", "normal,build,dev"]))
    missing = {}
    for package in ["baton-cli", "baton-app", "baton-sts"]:
        for name, (feats, sides) in by_crate(tree(["-p", package, "-e", "normal,build"])).items():
            if name in workspace and workspace[name][0] != feats:
                side = "host" if sides == {"host"} else "target"
                missing.setdefault((name, side), set()).update(workspace[name][0] - feats)
    if not missing:
        print("features unified: the CLI, the app and the lab build their dependencies as the tests do")
        return 0
    print("these crates are built with other features than the tests build them with;")
    print("add them to crates/baton-workspace-hack/Cargo.toml:")
    for (name, side), feats in sorted(missing.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        where = "[build-dependencies]" if side == "host" else "[dependencies]"
        print(f"  {where} {name}: {', '.join(sorted(feats))}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
