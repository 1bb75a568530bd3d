#!/usr/bin/env python3
"""Writes spec/fixtures/botocore/responses.json: what botocore's rest-json
parser makes of each answer of spec/fixtures/botocore/responses_in.json, on
the same service model (timestamps as epoch seconds, errors as code, message
and modeled members, the header-bound xAmzErrorType included). spec/14
compares the client's results with it, number types included.
Needs botocore (a developer tool: not run by make test).

usage: tools/botocore_responses.py [MODEL_DIR]
"""
import calendar
import datetime
import json
import os

import botocore.awsrequest
import botocore.parsers

from botocore_model import FIXTURES, load_service


def plain(v):
    # a timestamp is marked: botocore's is a datetime, the client's epoch
    # seconds, so the spec compares its value and not its number type
    if isinstance(v, datetime.datetime):
        return {"$timestamp": calendar.timegm(v.utctimetuple()) + v.microsecond / 1e6}
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def main():
    service = load_service()
    with open(os.path.join(FIXTURES, "botocore", "responses_in.json")) as f:
        cases = json.load(f)
    parser = botocore.parsers.create_parser("rest-json")
    out = []
    for name, status, headers, body in cases:
        if body.startswith("@"):
            with open(os.path.join(FIXTURES, body[1:]), "rb") as f:
                body = f.read().decode("utf-8")
        op = service.operation_model(name)
        response = {"status_code": status, "headers": botocore.awsrequest.HeadersDict(headers),
                    "body": body.encode("utf-8")}
        parsed = parser.parse(response, op.output_shape)
        if "Error" in parsed:
            e = parsed["Error"]
            # as botocore's Endpoint adds them: the members of the modeled error shape
            fields = {}
            shape = service.shape_for_error_code(e.get("Code"))
            if shape is not None:
                fields = {k: v for k, v in parser.parse(response, shape).items()
                          if k not in ("ResponseMetadata", "Error", "message", "Message")}
            out.append({"error": {"code": e.get("Code"), "message": e.get("Message"), "fields": fields,
                                  "request_id": parsed.get("ResponseMetadata", {}).get("RequestId")}})
        else:
            out.append({"result": plain(parsed)})
    with open(os.path.join(FIXTURES, "botocore", "responses.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d responses" % len(out))


if __name__ == "__main__":
    main()
