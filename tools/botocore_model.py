"""What the botocore_*.py tools share: the project's paths and the service
model loaded into botocore (from MODEL_DIR, the first argument, or ../shared)."""
import json
import os
import sys

import botocore.model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "spec", "fixtures")


def load_service():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "aws-model", "connectcampaignsv2", "2024-04-23")
    with open(os.path.join(src, "service-2.json")) as f:
        return botocore.model.ServiceModel(json.load(f), service_name="connectcampaignsv2")
