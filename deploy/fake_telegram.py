#!/usr/bin/env python3
"""A stand-in for the Telegram Bot API on 127.0.0.1, for deploy/check.sh.

Answers every POST .../bot<token>/sendMessage as Telegram does when the message is accepted
and appends {"path": ..., "body": <the JSON body>} as one line to the record file. Any other
request gets Telegram's 404 answer. The chosen port is written to the port file once the server
listens. The server stops on SIGTERM or after --lifetime seconds, whichever comes first.
"""

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEND_MESSAGE_PATH = re.compile(r"^/bot[0-9]+:[A-Za-z0-9_-]+/sendMessage$")


def make_handler(record_path, lock, sent_count):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if not SEND_MESSAGE_PATH.match(self.path):
                self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self.reply(400, {"ok": False, "error_code": 400,
                                 "description": "Bad Request: can't parse JSON"})
                return
            with lock:
                sent_count[0] += 1
                message_id = sent_count[0]
                with open(record_path, "a", encoding="utf-8") as record:
                    record.write(json.dumps({"path": self.path, "body": body},
                                            ensure_ascii=False) + "\n")
            self.reply(200, {"ok": True, "result": {
                "message_id": message_id, "date": int(time.time()),
                "chat": {"id": body.get("chat_id")}, "text": body.get("text")}})

        def do_GET(self):
            self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", required=True, help="file that receives one line per message")
    parser.add_argument("--port-file", required=True, help="file that receives the port")
    parser.add_argument("--lifetime", type=float, default=600, help="seconds before stopping")
    options = parser.parse_args()

    open(options.record, "w", encoding="utf-8").close()
    handler = make_handler(options.record, threading.Lock(), [0])
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    with open(options.port_file + ".tmp", "w", encoding="utf-8") as port_file:
        port_file.write(f"{server.server_address[1]}\n")
    # Renamed into place so that a reader never sees a half-written port.
    os.replace(options.port_file + ".tmp", options.port_file)
    stop.wait(options.lifetime)
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
