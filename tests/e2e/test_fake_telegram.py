"""The fake Bot API server answers as Telegram does, here and as the program deploy/check.sh runs."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from fake_telegram import FakeTelegram
from harness import run_tests

TOKEN = "123456789:AAfake-Telegram_0123456789abcdef"


def post(url, data):
    """The status and JSON answer of a POST of `data` (bytes) to `url`."""
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def message(text, chat_id=42):
    return json.dumps({"chat_id": chat_id, "text": text}).encode()


class FakeTelegramServer(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="tmon-fake-telegram-")
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)
        self.record = os.path.join(self.workdir, "sent.jsonl")
        self.telegram = FakeTelegram(record_path=self.record)
        self.addCleanup(self.telegram.close)
        self.send_url = f"{self.telegram.base_url}/bot{TOKEN}/sendMessage"

    def recorded(self):
        with open(self.record, encoding="utf-8") as record:
            return [json.loads(line) for line in record]

    def test_an_accepted_message_is_answered_kept_and_recorded(self):
        status, answer = post(self.send_url, message("héllo 你好"))
        self.assertEqual(status, 200)
        self.assertEqual(answer["result"]["message_id"], 1)
        self.assertEqual(answer["result"]["chat"], {"id": 42})
        self.assertEqual(self.telegram.texts(), ["héllo 你好"])
        self.assertEqual(self.recorded(), [{"path": f"/bot{TOKEN}/sendMessage",
                                            "body": {"chat_id": 42, "text": "héllo 你好"}}])

    def test_an_unknown_method_or_a_bad_body_is_refused_and_not_recorded(self):
        self.assertEqual(post(f"{self.telegram.base_url}/bot{TOKEN}/getChat", b"{}")[0], 404)
        self.assertEqual(post(f"{self.telegram.base_url}/sendMessage", message("x"))[0], 404)
        self.assertEqual(post(self.send_url, b"{not json")[0], 400)
        self.assertEqual(len(self.telegram.requests), 3)
        self.assertEqual(self.telegram.texts(), [])
        self.assertEqual(self.recorded(), [])

    def test_a_long_poll_is_held_until_a_message_and_an_offset_confirms_it(self):
        updates_url = f"{self.telegram.base_url}/bot{TOKEN}/getUpdates"
        self.assertEqual(post(f"{self.telegram.base_url}/bot{TOKEN}/getMe", b"{}")[1]["result"]
                         ["username"], "QuotaE2EBot")
        started = time.monotonic()
        self.assertEqual(post(updates_url, json.dumps({"timeout": 1}).encode()),
                         (200, {"ok": True, "result": []}))
        self.assertGreaterEqual(time.monotonic() - started, 1)
        answers = []
        poller = threading.Thread(target=lambda: answers.append(
            post(updates_url, json.dumps({"timeout": 30}).encode())))
        poller.start()
        time.sleep(0.3)
        update_id = self.telegram.send_command("42", "/status")
        poller.join(10)
        status, answer = answers[0]
        self.assertEqual(status, 200)
        self.assertEqual([u["update_id"] for u in answer["result"]], [update_id])
        self.assertEqual(answer["result"][0]["message"]["text"], "/status")
        # Not confirmed yet: the same again; then an offset past it confirms it.
        held_again = post(updates_url, json.dumps({"timeout": 0}).encode())[1]["result"]
        self.assertEqual(len(held_again), 1)
        confirmed = post(updates_url, json.dumps({"timeout": 0, "offset": update_id + 1}).encode())
        self.assertEqual(confirmed[1]["result"], [])
        self.assertEqual([p["offset"] for p in self.telegram.polls], [0, 0, 0, update_id + 1])

    def test_queued_answers_come_first_then_messages_are_accepted(self):
        refused = (429, {"ok": False, "error_code": 429, "description": "Too Many Requests"})
        self.telegram.responses = [refused]
        self.assertEqual(post(self.send_url, message("first")), refused)
        self.assertEqual(post(self.send_url, message("second"))[0], 200)
        self.assertEqual(self.telegram.texts(), ["second"])

    def test_the_public_ip_is_served_as_plain_text(self):
        with urllib.request.urlopen(f"{self.telegram.base_url}/ip", timeout=10) as response:
            self.assertEqual(response.read(), b"203.0.113.9\n")


class FakeTelegramProgram(unittest.TestCase):
    def test_it_records_messages_and_stops_on_sigterm(self):
        workdir = tempfile.mkdtemp(prefix="tmon-fake-telegram-")
        self.addCleanup(shutil.rmtree, workdir, ignore_errors=True)
        record, port_file = os.path.join(workdir, "sent.jsonl"), os.path.join(workdir, "port")
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_telegram.py")
        server = subprocess.Popen([sys.executable, script, "--record", record,
                                   "--port-file", port_file, "--lifetime", "60"])
        self.addCleanup(lambda: server.poll() is not None or server.kill())
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            self.assertLess(time.monotonic(), deadline, "no port file")
            time.sleep(0.05)
        with open(port_file) as port:
            url = f"http://127.0.0.1:{int(port.read())}/bot{TOKEN}/sendMessage"
        self.assertEqual(post(url, message("started"))[0], 200)
        with open(record, encoding="utf-8") as lines:
            self.assertEqual(json.loads(lines.readline())["body"]["text"], "started")
        server.send_signal(signal.SIGTERM)
        self.assertEqual(server.wait(timeout=10), 0)


if __name__ == "__main__":
    run_tests()
