# Parses Prometheus' text exposition format with the official Python client's parser (Debian's
# python3-prometheus-client) and prints each family and its samples as JSON lines: what a scraper reads.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    # The family itself (a counter with labels has no sample until it first counts), then its samples.
    print(json.dumps({"family": family.name, "type": family.type, "name": None, "labels": {}, "value": 0}))
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels, "value": sample.value}))
