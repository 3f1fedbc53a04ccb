#!/usr/bin/env python3
"""One client calling in a loop, as an app's code does: N calls one after another, timed.

    client_loop.py boto3 http://127.0.0.1:PORT N   # boto3 rds-data execute_statement (the blog's 20-row page)
    client_loop.py get http://127.0.0.1:PORT/posts N  # http.client GET on one keep-alive connection

Prints "requests_per_second p50_ms p99_ms" over the N calls after a warm-up of N/10 (at least 5).
"""
import http.client
import sys
import time
import urllib.parse

SQL = "SELECT id, user_id, title, slug, description, hits, created_at, updated_at FROM posts ORDER BY id LIMIT 20"
RESOURCE_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:bench"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench"


def boto3_call(url):
    import boto3
    from botocore.config import Config

    # Local server, no request signing checked: the keys are placeholders.
    client = boto3.client("rds-data", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                          aws_secret_access_key="bench", config=Config(retries={"total_max_attempts": 1}))

    def call():
        result = client.execute_statement(resourceArn=RESOURCE_ARN, secretArn=SECRET_ARN, sql=SQL)
        if len(result["records"]) != 20:
            raise SystemExit("execute_statement returned %d records, expected 20" % len(result["records"]))

    return call


def get_call(url):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    path = parts.path or "/"

    def call():
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or not body:
            raise SystemExit("GET %s answered %d" % (path, response.status))

    return call


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("boto3", "get"):
        raise SystemExit(__doc__)
    kind, url, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    call = boto3_call(url) if kind == "boto3" else get_call(url)
    for _ in range(max(5, count // 10)):
        call()
    times = []
    started = time.perf_counter()
    for _ in range(count):
        before = time.perf_counter()
        call()
        times.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    times.sort()
    print("%.0f %.3f %.3f" % (count / elapsed, times[len(times) // 2] * 1000, times[min(len(times) - 1, int(len(times) * 0.99))] * 1000))


if __name__ == "__main__":
    main()
