#!/usr/bin/env python3
"""A webhook receiver for hotline-notifier's tests, benchmark and boot test: it listens on 127.0.0.1 and writes
one JSON line per request to a log file, so a test can wait for what arrived and check it.

    webhook-receiver.py --log FILE --port-file FILE [--mode ok|fail-first:N|hang|status:CODE] [--delay SECONDS]

Modes: ok answers 200; fail-first:N answers 500 to the first N requests of each Idempotency-Key, then 200;
hang reads the request and never answers; status:CODE always answers CODE. --delay waits before answering.
Each request logs {"event": "received", "time": epoch seconds, "path", "headers", "body_b64"} when its body is
read and {"event": "answered", "status", "key"} after the answer. The port it bound (0 = any free one) is written
to --port-file once it listens.
"""
import argparse
import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--log", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--mode", default="ok")
parser.add_argument("--delay", type=float, default=0.0)
args = parser.parse_args()

lock = threading.Lock()
seen = {}
log = open(args.log, "a", buffering=1, encoding="utf-8")


def write(entry):
    with lock:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        log.flush()


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as a real receiver would; the notifier reuses them.
    protocol_version = "HTTP/1.1"
    # The answer's headers and body are separate writes: with Nagle on, the body waits for the client's delayed
    # ACK (40 ms a request), which would be measured as the notifier's latency.
    disable_nagle_algorithm = True

    def log_message(self, *_):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        received = time.time()
        key = self.headers.get("Idempotency-Key", "")
        write({
            "event": "received",
            "time": received,
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body_b64": base64.b64encode(body).decode("ascii"),
        })
        if args.mode == "hang":
            # Read, then never answer: the notifier's timeout must fire.
            while True:
                time.sleep(3600)
        with lock:
            count = seen.get(key, 0) + 1
            seen[key] = count
        status = 200
        if args.mode.startswith("fail-first:") and count <= int(args.mode.split(":", 1)[1]):
            status = 500
        elif args.mode.startswith("status:"):
            status = int(args.mode.split(":", 1)[1])
        if args.delay > 0:
            time.sleep(args.delay)
        answer = b'{"ok":true}' if status < 300 else b'{"error":"test receiver says no"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        write({"event": "answered", "status": status, "key": key, "time": time.time()})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


server = Server(("127.0.0.1", args.port), Handler)
with open(args.port_file + ".tmp", "w") as handle:
    handle.write(str(server.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
