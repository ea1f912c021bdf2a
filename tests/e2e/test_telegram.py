"""Telegram delivery by the real binary, against a fake Bot API server on 127.0.0.1."""

import json
import os
import socket
import time

from fake_telegram import FakeTelegram
from harness import MonitorTestCase, run_tests

TOKEN = "123456789:AAE_e2eSecretPart-xyz0123456789"
CHAT = "-1001234567890"
# 1 MiB in GiB, so a few hundred KiB cross the thresholds.
SMALL_QUOTA = {"MONTHLY_TRAFFIC_GB": "0.0009765625", "THRESHOLDS": "50,80"}


def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BotTestCase(MonitorTestCase):
    """A fake Bot API server per test, and the monitor set up to use it."""

    def setUp(self):
        super().setUp()
        self.telegram = FakeTelegram()
        self.addCleanup(self.telegram.close)

    def start_with_bot(self, api_base=None, **overrides):
        settings = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_CHAT_ID": CHAT,
            "TELEGRAM_API_BASE": api_base or self.telegram.base_url,
            **SMALL_QUOTA,
        }
        settings.update(overrides)
        return self.start(**settings)

    def grow_tx(self, amount):
        rx, tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (rx, tx + amount)})

    def alerts(self):
        return [text for text in self.telegram.texts() if "Traffic alert" in text]

    def assert_no_token_anywhere(self):
        secret = TOKEN.split(":")[1]
        self.assertNotIn(secret, self.output())
        log_file = os.path.join(self.data_dir, "traffic-monitor.log")
        with open(log_file, errors="replace") as log:
            self.assertNotIn(secret, log.read())



class Telegram(BotTestCase):
    def test_an_alert_arrives_with_host_name_and_public_ip(self):
        monitor = self.start_with_bot(
            PUBLIC_IP=None, PUBLIC_IP_URLS=f"{self.telegram.base_url}/ip"
        )
        self.wait_for(lambda: "public IPv4 address: 203.0.113.9" in self.output(),
                      what="the public IP lookup")
        self.wait_for_sample_after(time.time())
        self.grow_tx(600 * 1024)
        self.wait_for(lambda: self.alerts(), what="the alert")
        self.assertEqual(monitor.stop(), 0)
        alert = self.alerts()[0]
        self.assertTrue(alert.startswith("⚠️ Traffic alert: 50% of the quota reached"), alert)
        self.assertIn("e2e-host", alert)
        self.assertIn("203.0.113.9", alert)
        self.assertIn("(58.5%)", alert)
        path, body = self.telegram.requests[-1]
        self.assertEqual(path, f"/bot{TOKEN}/sendMessage")
        payload = json.loads(body)
        self.assertEqual(payload["chat_id"], int(CHAT))
        self.assertTrue(payload["disable_web_page_preview"])
        self.assertTrue(self.telegram.texts()[0].startswith("🚀 Traffic monitor started"))
        self.assert_no_token_anywhere()

    def test_a_chat_that_was_down_across_a_kill_gets_the_alert_once_and_the_other_no_repeat(self):
        chats = "-1001,-1002"
        self.telegram.failing_chats = {"-1002"}
        monitor = self.start_with_bot(TELEGRAM_CHAT_ID=chats)
        self.wait_for_sample_after(time.time())
        self.grow_tx(600 * 1024)
        alerts_to = lambda chat: [t for t in self.telegram.texts_to(chat) if "Traffic alert" in t]
        self.wait_for(lambda: alerts_to("-1001"), what="the alert in the chat that works")
        # The other chat's failures do not hold the first one back, and the outbox records
        # that the first chat has it.
        self.wait_for(
            lambda: self.state()["outbox"]
            and all(e["targets_left"] == ["telegram:-1002"] for e in self.state()["outbox"]),
            what="the first chat's confirmations saved",
        )
        monitor.kill()
        self.telegram.failing_chats = set()
        self.start_with_bot(TELEGRAM_CHAT_ID=chats)
        self.wait_for(lambda: alerts_to("-1002"), what="the alert in the chat that was down")
        self.wait_for(lambda: self.state()["outbox"] == [], what="an empty outbox")
        self.assertEqual(len(alerts_to("-1001")), 1)
        self.assertEqual(len(alerts_to("-1002")), 1)

    def test_the_start_up_message_waits_for_a_slow_ip_lookup(self):
        self.telegram.ip_delay = 2
        monitor = self.start_with_bot(
            PUBLIC_IP=None, PUBLIC_IP_URLS=f"{self.telegram.base_url}/ip"
        )
        self.wait_for(lambda: self.telegram.texts(), what="the start-up message")
        self.assertEqual(monitor.stop(), 0)
        started = self.telegram.texts()[0]
        self.assertTrue(started.startswith("🚀 Traffic monitor started"), started)
        self.assertIn("Public IPv4: 203.0.113.9", started)

    def test_url_credentials_appear_in_no_output(self):
        password = "pr0xyPassw0rd"
        host_port = self.telegram.base_url.split("://")[1]
        api_base = f"http://tguser:{password}@{host_port}"
        # A service that fails, so that its URL and libcurl's error are logged.
        lookups = f"http://ipuser:{password}@127.0.0.1:{closed_port()},{api_base}/ip"
        checked = self.run_command(
            "--check-config",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_CHAT_ID=CHAT,
            TELEGRAM_API_BASE=api_base,
            PUBLIC_IP_URLS=lookups,
        )
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn(f"TELEGRAM_API_BASE=http://***@{host_port}\n", checked.stdout)
        self.assertNotIn(password, checked.stdout + checked.stderr)
        monitor = self.start_with_bot(
            api_base, PUBLIC_IP=None, PUBLIC_IP_URLS=lookups, LOG_LEVEL="debug"
        )
        self.wait_for(lambda: self.telegram.texts(), what="the start-up message")
        self.wait_for(lambda: "public IP from http://***@" in self.output(),
                      what="the failed lookup in the log")
        self.assertEqual(monitor.stop(), 0)
        self.assertIn("starting", self.output())
        self.assertNotIn(password, self.output())
        with open(os.path.join(self.data_dir, "traffic-monitor.log"), errors="replace") as log:
            self.assertNotIn(password, log.read())

    def test_a_429_is_honoured(self):
        self.telegram.responses = [
            (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                   "parameters": {"retry_after": 3}}),
        ]
        monitor = self.start_with_bot()
        self.wait_for(lambda: self.telegram.texts(), timeout=20, what="the retried message")
        self.assertEqual(monitor.stop(), 0)
        first, second = self.telegram.request_times[:2]
        self.assertGreaterEqual(second - first, 3.0)
        self.assertLess(second - first, 6.0)
        self.assertIn("retry after 3", self.output())

    def test_an_alert_raised_during_an_outage_survives_sigkill_and_arrives_once(self):
        unreachable = f"http://127.0.0.1:{closed_port()}"
        monitor = self.start_with_bot(api_base=unreachable)
        self.wait_for_sample_after(time.time())
        self.grow_tx(900 * 1024)
        self.wait_for(
            lambda: any(e["kind"] == "threshold_crossed" for e in self.state()["outbox"]),
            what="the alert in the outbox",
        )
        self.assertIn("not delivered to chat", self.output())
        monitor.kill()
        monitor = self.start_with_bot()
        self.wait_for(lambda: self.alerts(), what="the alert after the restart")
        self.wait_for(lambda: not self.state()["outbox"], what="an empty outbox")
        self.assertEqual(monitor.stop(), 0)
        monitor = self.start_with_bot()
        self.wait_for_sample_after(time.time())
        self.wait_for(lambda: len(self.telegram.texts()) >= 3, what="the second start notice")
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(len(self.alerts()), 1)
        self.assertIn("80% of the quota reached", self.alerts()[0])
        self.assert_no_token_anywhere()

    def test_a_401_keeps_the_messages_and_is_not_hammered(self):
        self.telegram.always = (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        monitor = self.start_with_bot()
        self.wait_for(lambda: "HTTP 401: Unauthorized" in self.output(), what="the refusal")
        self.wait_for_sample_after(time.time())
        self.grow_tx(600 * 1024)
        self.wait_for(
            lambda: any(e["kind"] == "threshold_crossed" for e in self.state()["outbox"]),
            what="the alert in the outbox",
        )
        # Several check intervals later: still the one attempt; the next comes in 10 minutes.
        self.wait_for_sample_after(time.time() + 3)
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(len(self.telegram.requests), 1)
        self.assertIn("check TELEGRAM_BOT_TOKEN", self.output())
        self.assertEqual([e["kind"] for e in self.state()["outbox"]],
                         ["monitor_started", "threshold_crossed"])
        self.assert_no_token_anywhere()


class TelegramFaults(BotTestCase):
    """Whatever the server does, sampling goes on and every message arrives once."""

    def assert_sampling_goes_on(self, samples=3):
        for _ in range(samples):
            self.wait_for_sample_after(time.time(), timeout=10)

    def check_fault(self, fault):
        self.telegram.fault = fault
        monitor = self.start_with_bot()
        self.wait_for(lambda: self.telegram.faulty_requests >= 1, what="a first attempt")
        self.assert_sampling_goes_on()
        self.grow_tx(600 * 1024)
        self.wait_for(
            lambda: any(e["kind"] == "threshold_crossed" for e in self.state()["outbox"]),
            what="the alert in the outbox",
        )
        self.telegram.fault = None
        # A hanging request only ends at the client's 30 s limit; then the back-off follows.
        self.wait_for(lambda: self.alerts(), timeout=75, what="the alert once the server behaves")
        self.wait_for(lambda: not self.state()["outbox"], what="an empty outbox")
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(len(self.alerts()), 1)
        self.assertEqual(sum("Traffic monitor started" in t for t in self.telegram.texts()), 1)

    def test_a_hanging_server_blocks_nothing(self):
        self.check_fault("hang")
        self.assertIn("timed out", self.output())

    def test_a_hanging_request_does_not_delay_shutdown(self):
        self.telegram.fault = "hang"
        monitor = self.start_with_bot()
        self.wait_for(lambda: self.telegram.faulty_requests >= 1, what="a hanging request")
        self.wait_for_sample_after(time.time())
        started = time.monotonic()
        self.assertEqual(monitor.stop(timeout=5), 0)
        self.assertLess(time.monotonic() - started, 5)
        # Not delivered: it waits in the outbox for the next start.
        self.assertEqual([e["kind"] for e in self.state()["outbox"]], ["monitor_started"])

    def test_a_slow_server_is_waited_for(self):
        self.telegram.fault = "slow"
        monitor = self.start_with_bot()
        self.wait_for(lambda: self.telegram.texts(), what="the slow delivery")
        self.assert_sampling_goes_on()
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(len(self.telegram.requests), 1)

    def test_a_garbage_reply_is_retried(self):
        self.check_fault("garbage")
        self.assertIn("without a readable Bot API answer", self.output())

    def test_a_reply_cut_off_midway_is_retried(self):
        self.check_fault("cut")
        self.assertIn("transfer closed", self.output())

    def test_alerts_piled_up_in_a_long_outage_arrive_once_and_in_order(self):
        port = self.telegram.server.server_address[1]
        self.telegram.close()
        settings = {"THRESHOLDS": "20,40,60,80"}
        monitor = self.start_with_bot(**settings)
        self.wait_for_sample_after(time.time())
        for step in range(4):
            self.grow_tx(220 * 1024)
            self.wait_for(
                lambda: sum(e["kind"] == "threshold_crossed" for e in self.state()["outbox"])
                == step + 1,
                what=f"alert {step + 1} in the outbox",
            )
        self.telegram = FakeTelegram(port)
        self.wait_for(lambda: len(self.alerts()) == 4, timeout=60, what="the four alerts")
        self.wait_for(lambda: not self.state()["outbox"], what="an empty outbox")
        self.assertEqual(monitor.stop(), 0)
        reached = [text.splitlines()[0] for text in self.alerts()]
        self.assertEqual(reached, [f"⚠️ Traffic alert: {p}% of the quota reached"
                                   for p in (20, 40, 60, 80)])


if __name__ == "__main__":
    run_tests()
