#!/usr/bin/env python3
"""Module boundaries, enforced: every `import X` of a target must be one of its declared dependencies.

SwiftPM's `--explicit-target-dependency-import-check error` (which .ci/run also passes) reports nothing with this
toolchain's native build system on Linux, so an undeclared import would compile silently whenever the module
happens to be built already. This reads the manifest (`swift package dump-package`) and every target's sources and
fails naming the file, the import and the target. Standard-library and platform modules are allowed everywhere.
"""
import json
import os
import re
import subprocess
import sys

PLATFORM = {"Foundation", "FoundationEssentials", "Glibc", "Musl", "Darwin", "Dispatch", "Synchronization",
            "Testing", "XCTest", "_Concurrency", "PackagePlugin", "Observation"}
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|enum|class|func|protocol|typealias|var|let)\s+)?"
                    r"([A-Za-z_][A-Za-z0-9_]*)", re.M)

manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True,
                                     text=True).stdout)
targets = {t["name"]: t for t in manifest["targets"]}
problems = []
for name, target in targets.items():
    if target["type"] in ("system", "binary"):
        continue
    declared = set()
    for dependency in target["dependencies"]:
        kind, value = next(iter(dependency.items()))
        declared.add(value[0])  # byName, target and product all lead with the module/product name
    root = target.get("path") or os.path.join("Tests" if target["type"] == "test" else
                                              "Plugins" if target["type"] == "plugin" else "Sources", name)
    for directory, _, files in os.walk(root):
        for file in sorted(files):
            if not file.endswith(".swift"):
                continue
            path = os.path.join(directory, file)
            with open(path, encoding="utf-8") as source:
                # Multi-line string literals may hold other languages' imports (a Python snippet in a test).
                text = re.sub(r'"""(?:.|\n)*?"""', '""', source.read())
            for module in IMPORT.findall(text):
                if module in PLATFORM or module == name or module in declared:
                    continue
                where = "a target of this package" if module in targets else "a module of a package product"
                problems.append(f"{path}: imports {module} ({where}) but target {name} does not declare it")
for problem in problems:
    print(f"check-imports: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-imports: {len(targets)} targets import only what they declare")
