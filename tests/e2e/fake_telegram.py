#!/usr/bin/env python3
"""A stand-in for the Telegram Bot API on 127.0.0.1, for the end-to-end tests and the check of
the Docker image (deploy/check.sh). Standard library only.

POST .../bot<token>/sendMessage is answered as Telegram answers an accepted message, unless
the test queued other answers or a fault. getMe names the bot, setMyCommands is accepted, and
getUpdates is a long poll: held open until a test sends a message or its timeout passes, and
answered with the messages from its offset on. Every other request gets Telegram's 404 answer,
but a GET of /ip answers a public address in plain text, as a public-IP service does.

Run as a program it serves until SIGTERM or --lifetime seconds, appends
{"path": ..., "body": <the JSON body>} as one line per accepted message to the record file,
and writes its port to the port file once it listens.
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
BOT_METHOD_PATH = re.compile(r"^/bot[0-9]+:[A-Za-z0-9_-]+/(getMe|setMyCommands|getUpdates)$")
BOT_NAME = "QuotaE2EBot"
NOT_FOUND = (404, {"ok": False, "error_code": 404, "description": "Not Found"})


class FakeTelegram:
    """A Bot API stand-in on 127.0.0.1: records sendMessage calls and answers as told.

    `responses` is a list of (status, json body) used in order for sendMessage calls; once it
    is empty every call succeeds, or, with `always` set, every call gets that (status, body).
    A GET of /ip answers `public_ip` after `ip_delay` seconds. With `record_path`, each
    accepted message is also appended to that file as one JSON line.
    """

    def __init__(self, port=0, record_path=None):
        self.lock = threading.Lock()
        self.messages = []
        self.requests = []
        self.request_times = []
        self.responses = []
        self.always = None
        self.public_ip = "203.0.113.9"
        # Seconds the /ip answer takes, as an HTTPS lookup across the world does.
        self.ip_delay = 0
        # None, or how to fail every sendMessage: "hang", "slow", "garbage", "cut".
        self.fault = None
        # Chat ids (as sent) whose messages get HTTP 500, as while Telegram fails for them.
        self.failing_chats = set()
        self.faulty_requests = 0
        self.record_path = record_path
        if record_path:
            open(record_path, "w", encoding="utf-8").close()
        # The bot's side: every update sent so far (confirmed ones are dropped as Telegram does
        # when a poll's offset passes them), each getUpdates call as {"offset", "at", "peer"},
        # the setMyCommands bodies, and answers that replace the normal ones while set.
        self.updates = []
        self.every_update = []
        self.next_update_id = 700
        self.polls = []
        self.menus = []
        self.poll_answer = None
        self.me_answer = None
        # The longest a poll is held, whatever timeout the client asks for.
        self.longest_hold = 50
        self.closing = False
        self.arrived = threading.Condition(self.lock)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keeps connections open between requests, as Telegram does, and sends each reply
            # whole in one write, as a server in front of the Bot API does with small ones.
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/ip":
                    fake.reply(self, *NOT_FOUND)
                    return
                time.sleep(fake.ip_delay)
                data = (fake.public_ip + "\n").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                method = BOT_METHOD_PATH.match(self.path)
                if method:
                    fake.reply(self, *fake.bot_method(method.group(1), body, self.client_address))
                    return
                if fake.misbehave(self):
                    return
                fake.reply(self, *fake.answer(self.path, body))

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path, body):
        """The (status, json body) for a POST of `body` to `path`; records what it accepts."""
        with self.lock:
            self.requests.append((path, body))
            self.request_times.append(time.monotonic())
            if not SEND_MESSAGE_PATH.match(path):
                return NOT_FOUND
            if self.always is not None and not self.responses:
                self.responses.append(self.always)
            if self.responses:
                return self.responses.pop(0)
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: can't parse JSON"}
            if str(payload.get("chat_id")) in self.failing_chats:
                return 500, {"ok": False, "error_code": 500,
                             "description": "Internal Server Error"}
            self.messages.append(payload)
            if self.record_path:
                with open(self.record_path, "a", encoding="utf-8") as record:
                    record.write(json.dumps({"path": path, "body": payload},
                                            ensure_ascii=False) + "\n")
            return 200, {"ok": True, "result": {
                "message_id": len(self.messages), "date": int(time.time()),
                "chat": {"id": payload.get("chat_id")}, "text": payload.get("text")}}

    def bot_method(self, method, body, peer):
        """The (status, json body) for getMe, setMyCommands or getUpdates."""
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request"}
        if method == "getMe":
            return self.me_answer or (200, {"ok": True, "result": {
                "id": 4242, "is_bot": True, "first_name": "Quota", "username": BOT_NAME}})
        if method == "setMyCommands":
            with self.lock:
                self.menus.append(payload)
            return 200, {"ok": True, "result": True}
        offset = payload.get("offset", 0)
        hold = min(payload.get("timeout", 0), self.longest_hold)
        deadline = time.monotonic() + hold
        with self.lock:
            self.polls.append({"offset": offset, "at": time.monotonic(), "peer": peer})
            if self.poll_answer is not None:
                return self.poll_answer
            # An offset confirms every update before it, for good.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and not self.closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
            return 200, {"ok": True, "result": list(self.updates)}

    def send_command(self, chat_id, text, date=None):
        """A message in `chat_id` that the bot will receive; returns its update_id."""
        with self.lock:
            update_id = self.next_update_id
            self.next_update_id += 1
            update = {"update_id": update_id, "message": {
                "message_id": update_id, "date": int(date if date is not None else time.time()),
                "chat": {"id": int(chat_id), "type": "private"}, "text": text}}
            self.updates.append(update)
            self.every_update.append(update)
            self.arrived.notify_all()
        return update_id

    def forget_confirmations(self):
        """Holds every update sent so far again, as if no poll had confirmed any."""
        with self.lock:
            self.updates = list(self.every_update)
            self.arrived.notify_all()

    @staticmethod
    def reply(handler, status, payload):
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def misbehave(self, handler):
        """Fails the request as `fault` says; False when it is to be answered normally."""
        fault = self.fault
        if fault is None:
            return False
        with self.lock:
            self.faulty_requests += 1
        if fault == "hang":
            # Longer than the client's 30 s limit; the client gives up first.
            time.sleep(40)
            return True
        if fault == "slow":
            time.sleep(2)
            return False
        if fault == "garbage":
            data = b"<html><body>502 upstream confused</body></html>"
        else:  # "cut": promises more than it sends, then hangs up
            data = b'{"ok":true,"res'
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data) * (1 if fault == "garbage" else 10)))
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True
        return True

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def texts(self):
        with self.lock:
            return [message["text"] for message in self.messages]

    def texts_to(self, chat_id):
        """The texts delivered to one chat, in order."""
        with self.lock:
            return [m["text"] for m in self.messages if str(m.get("chat_id")) == chat_id]

    def close(self):
        with self.lock:
            self.closing = True
            self.arrived.notify_all()
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", required=True, help="file that receives one line per message")
    parser.add_argument("--port-file", required=True, help="file that receives the port")
    parser.add_argument("--lifetime", type=float, default=600, help="seconds before stopping")
    options = parser.parse_args()

    telegram = FakeTelegram(record_path=options.record)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with open(options.port_file + ".tmp", "w", encoding="utf-8") as port_file:
        port_file.write(f"{telegram.port}\n")
    # Renamed into place so that a reader never sees a half-written port.
    os.replace(options.port_file + ".tmp", options.port_file)
    stop.wait(options.lifetime)
    telegram.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
