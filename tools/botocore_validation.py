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
import sys

import botocore.model
import botocore.validate

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "spec", "fixtures", "botocore")
KINDS = ["Missing required parameter", "Unknown parameter", "Invalid type", "Invalid length",
         "Invalid value", "Invalid range", "Invalid number of parameters set for tagged union",
         "Must set one of the following keys"]


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "aws-model", "connectcampaignsv2", "2024-04-23")
    with open(os.path.join(src, "service-2.json")) as f:
        service = botocore.model.ServiceModel(json.load(f), service_name="connectcampaignsv2")
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
