#!/usr/bin/env python3
"""Writes spec/fixtures/botocore/requests.json: what botocore itself sends
for each input of spec/fixtures/botocore/inputs.json, serialized by its
rest-json serializer from the same service model and signed by its SigV4Auth
at a fixed time. The specs compare the client's requests with it, byte for
byte. Needs botocore (a developer tool: not run by make test).

usage: tools/botocore_fixtures.py [MODEL_DIR]
"""
import datetime
import json
import os

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.serialize

from botocore_model import FIXTURES as SPEC_FIXTURES, load_service

FIXTURES = os.path.join(SPEC_FIXTURES, "botocore")
ENDPOINT = "https://connect-campaigns.us-east-1.amazonaws.com"
NOW = datetime.datetime(2026, 1, 1, 0, 0, 0)
KEY_ID, SECRET, TOKEN = "AKIDBOTOCORE", "botocore/secret+key", "botocore-session-token"


def main():
    service = load_service()
    with open(os.path.join(FIXTURES, "inputs.json")) as f:
        inputs = json.load(f)
    serializer = botocore.serialize.create_serializer("rest-json", include_validation=True)
    botocore.auth.get_current_datetime = lambda *a, **k: NOW
    creds = botocore.credentials.Credentials(KEY_ID, SECRET, TOKEN)
    out = []
    for name, params in inputs:
        op = service.operation_model(name)
        req = serializer.serialize_to_request(params, op)
        botocore.awsrequest.prepare_request_dict(req, ENDPOINT)
        aws = botocore.awsrequest.AWSRequest(method=req["method"], url=req["url"], data=req["body"],
                                             headers=req["headers"])
        botocore.auth.SigV4Auth(creds, "connect-campaigns", "us-east-1").add_auth(aws)
        body = req["body"]
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        out.append({
            "operation": name,
            "method": req["method"],
            "url": req["url"],
            "body": body,
            "content_type": aws.headers.get("Content-Type"),
            "authorization": aws.headers["Authorization"],
            "x_amz_date": aws.headers["X-Amz-Date"],
        })
    with open(os.path.join(FIXTURES, "requests.json"), "w") as f:
        json.dump({"endpoint": ENDPOINT, "access_key_id": KEY_ID, "secret_access_key": SECRET,
                   "session_token": TOKEN, "time": int(NOW.replace(tzinfo=datetime.timezone.utc).timestamp()),
                   "requests": out}, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("wrote %d requests" % len(out))


if __name__ == "__main__":
    main()
