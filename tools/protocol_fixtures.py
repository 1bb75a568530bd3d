#!/usr/bin/env python3
"""Copy botocore's rest-json protocol suites into spec/fixtures/rest-json/.

Each suite keeps its cases (ids, params, serialized requests, responses and
results: the facts) and gets its model as one JSON text ("model"), with the
suite's operation in it, so that member order, which a Lua table would lose,
reaches the model compiler as the suite wrote it. Documentation and
description prose is dropped. LICENSE.txt and NOTICE are copied beside.

usage: tools/protocol_fixtures.py [SUITE_DIR]   (default ../shared/conformance/rest-json)
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "spec", "fixtures", "rest-json")


def strip_docs(node):
    if isinstance(node, dict):
        return {k: strip_docs(v) for k, v in node.items() if k not in ("documentation", "description")}
    if isinstance(node, list):
        return [strip_docs(v) for v in node]
    return node


def convert(suites):
    out = []
    for suite in suites:
        given = strip_docs(suite["cases"][0]["given"])
        model = {"metadata": suite["metadata"], "operations": {given["name"]: given},
                 "shapes": strip_docs(suite["shapes"])}
        cases = []
        for case in suite["cases"]:
            case = strip_docs(case)
            case.pop("given")
            cases.append(case)
        entry = {"operation": given["name"], "model": json.dumps(model), "cases": cases}
        if "clientEndpoint" in suite:
            entry["clientEndpoint"] = suite["clientEndpoint"]
        out.append(entry)
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "conformance", "rest-json")
    os.makedirs(OUT, exist_ok=True)
    for name in ("input.json", "output.json"):
        with open(os.path.join(src, name)) as f:
            suites = json.load(f)
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(convert(suites), f, indent=1, ensure_ascii=True)
            f.write("\n")
    for name in ("LICENSE.txt", "NOTICE"):
        shutil.copy(os.path.join(src, name), os.path.join(OUT, name))


if __name__ == "__main__":
    main()
