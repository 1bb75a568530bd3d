#!/usr/bin/env python3
"""botocore's per-call costs for the figures bench/bench.lua measures, same
names, same inputs (bench/inputs.json), same answers, printed as
  <name> TAB <microseconds per op> TAB 0
Nothing leaves the process: a before-send handler answers every request.
bench/run.lua runs it when botocore can be imported.

usage: python3 bench/botocore_bench.py [--iterations N] [--only NAME]
"""
import json
import sys
import time

t0 = time.perf_counter()
import botocore.awsrequest  # noqa: E402
import botocore.config  # noqa: E402
import botocore.parsers  # noqa: E402
import botocore.session  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

KEY_ID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def make_client(body):
    session = botocore.session.get_session()
    client = session.create_client("connectcampaignsv2", region_name="us-east-1",
                                   endpoint_url="https://campaigns.test",
                                   aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                                   config=botocore.config.Config(retries={"total_max_attempts": 1}))

    def answer(request, **_):
        return botocore.awsrequest.AWSResponse(request.url, 200, {}, _Raw(body))
    client.meta.events.register("before-send", answer)
    return client


class _Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **_):
        yield self.body

    def read(self, *_):
        return self.body


client = make_client(b"{}")
startup = time.perf_counter() - t0


def list_answer(n):
    items = []
    for k in range(1, n + 1):
        items.append(('{"id": "c-%06d", "arn": "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c-%06d", '
                      '"name": "campaign %d", "connectInstanceId": "inst-1", "channelSubtypes": ["TELEPHONY", "SMS"], '
                      '"schedule": {"startTime": 1772355600, "endTime": 1780304400}, "type": "MANAGED"}') % (k, k, k))
    return '{"campaignSummaryList": [' + ", ".join(items) + '], "nextToken": "t"}'


def snake(name):
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out += "_"
        out += ch.lower()
    return out


def main():
    n, only = 2000, None
    args = sys.argv[1:]
    while args:
        if args[0] == "--iterations":
            n = int(args[1])
            args = args[2:]
        elif args[0] == "--only":
            only = args[1]
            args = args[2:]
        else:
            raise SystemExit("unknown argument " + args[0])

    def measure(name, fn, count=None):
        # five timed slices, the median one reported, as bench/bench.lua does
        if only and only != name:
            return
        count = count or n
        for _ in range(min(count, 100)):
            fn()
        per_slice, each = max(1, count // 5), []
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(per_slice):
                fn()
            each.append((time.perf_counter() - t) / per_slice)
        print("%s\t%.3f\t0" % (name, sorted(each)[2] * 1e6), flush=True)

    if not only or only == "startup":
        print("startup\t%.1f\t0" % (startup * 1e6))
    with open("bench/inputs.json") as f:
        inputs = json.load(f)
    for name, params in inputs:
        method = getattr(client, snake(name))
        measure("call:" + name, lambda: method(**params))
    with open("spec/fixtures/responses/describe_campaign.json", "rb") as f:
        describe = make_client(f.read())
    measure("describe_2k", lambda: describe.describe_campaign(id="c-7f3a9e"))
    parser = botocore.parsers.create_parser("rest-json")
    shape = client.meta.service_model.operation_model("ListCampaigns").output_shape
    for size in (100, 1000):
        body = list_answer(size).encode()
        response = {"status_code": 200, "headers": {}, "body": body}
        measure("list_%d" % size, lambda: parser.parse(response, shape), max(5, n * 5 // size // 10))
    creds = Credentials(KEY_ID, SECRET)

    def sign():
        request = botocore.awsrequest.AWSRequest(method="GET",
                                                 url="https://connect-campaigns.us-east-1.amazonaws.com/campaigns-v2/c-7f3a9e")
        SigV4Auth(creds, "connect-campaigns", "us-east-1").add_auth(request)
    measure("sign", sign)


if __name__ == "__main__":
    main()
