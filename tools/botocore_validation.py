#!/usr/bin/env python3
"""Writes spec/fixtures/botocore/validation.json: which inputs of
spec/fixtures/botocore/validation_in.json botocore's ParamValidator refuses,
and the kind of its first complaint. spec/14 checks the client refuses the
same ones, before sending, with a message of the same kind.
Needs botocore (a developer tool: not run by make test).

usage: tools/botocore_validation.py [MODEL_DIR]
"""
import json
import os

import botocore.validate

from botocore_model import FIXTURES as SPEC_FIXTURES, load_service

FIXTURES = os.path.join(SPEC_FIXTURES, "botocore")
KINDS = ["Missing required parameter", "Unknown parameter", "Invalid type", "Invalid length",
         "Invalid value", "Invalid range", "Invalid number of parameters set for tagged union",
         "Must set one of the following keys"]


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
        out.append({"valid": False, "kind": kind, "message": first})
    with open(os.path.join(FIXTURES, "validation.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d verdicts" % len(out))


if __name__ == "__main__":
    main()
