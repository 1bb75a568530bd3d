#!/usr/bin/env python3
"""Writes spec/fixtures/botocore/validation.json: which inputs of
spec/fixtures/botocore/validation_in.json botocore's ParamValidator refuses,
the kind of its first complaint, and every problem it reports (kind and
path, as the client names them in err.problems). spec/14 checks the client
refuses the same ones, before sending, with a message of the same kind and
the same list of problems.
Needs botocore (a developer tool: not run by make test).

usage: tools/botocore_validation.py [MODEL_DIR]
"""
import json
import os
import re

import botocore.validate

from botocore_model import FIXTURES as SPEC_FIXTURES, load_service

FIXTURES = os.path.join(SPEC_FIXTURES, "botocore")
KINDS = ["Missing required parameter", "Unknown parameter", "Invalid type", "Invalid length",
         "Invalid value", "Invalid range", "Invalid number of parameters set for tagged union",
         "Must set one of the following keys"]
# botocore's report types, by the names err.problems gives them
PROBLEM_KINDS = {"missing required field": "missing_required", "unknown field": "unknown_parameter",
                 "invalid type": "invalid_type", "invalid length": "invalid_length",
                 "invalid range": "invalid_range", "empty input": "invalid_union",
                 "more than one input": "invalid_union"}


def lua_path(name):
    """botocore's '.a.b[0]' as the client writes it: 'a.b[1]' (Lua counts from 1)."""
    name = re.sub(r"\[(\d+)\]", lambda m: "[%d]" % (int(m.group(1)) + 1), name)
    return name[1:] if name.startswith(".") else name


def problems(report):
    out = []
    for kind, name, extra in report._errors:
        path = lua_path(name)
        member = extra.get("required_name") or extra.get("unknown_param")
        if member is not None:
            path = path + "." + member if path else member
        out.append({"kind": PROBLEM_KINDS.get(kind, kind), "path": path or "input"})
    return sorted(out, key=lambda p: (p["path"], p["kind"]))


def main():
    service = load_service()
    with open(os.path.join(FIXTURES, "validation_in.json")) as f:
        cases = json.load(f)
    out = []
    for name, params in cases:
        report = botocore.validate.ParamValidator().validate(params, service.operation_model(name).input_shape)
        if not report.has_errors():
            out.append({"valid": True})
            continue
        first = report.generate_report().splitlines()[0]
        kind = next((k for k in KINDS if first.startswith(k)), first)
        out.append({"valid": False, "kind": kind, "message": first, "problems": problems(report)})
    with open(os.path.join(FIXTURES, "validation.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d verdicts" % len(out))


if __name__ == "__main__":
    main()
