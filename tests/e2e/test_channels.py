"""The targets of NOTIFY_URLS through the real binary: a generic JSON webhook, ntfy and Bark
on 127.0.0.1 each receive an alert exactly once, also when one of them was down across a
SIGKILL and a restart; an SMTP server receives it by e-mail; and no secret of any kind shows
in any output."""

import email
import email.header
import email.policy
import json
import os
import time

from fake_services import FakeSmtp, FakeWebhook
from fake_telegram import FakeTelegram
from harness import MonitorTestCase, run_tests

TOKEN = "123456789:AAE_e2eChannelSecret-xyz0123"
WEBHOOK_SECRET = "hooks/webhookSecretPath77"
NTFY_TOPIC = "ntfyTopicSecret77"
BARK_KEY = "barkDeviceKeySecret77"
SMTP_PASSWORD = "smtpPasswordSecret77"


class Channels(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.webhook = FakeWebhook(body=b"{}")
        self.ntfy = FakeWebhook(body=b'{"id":"x","event":"message"}')
        self.bark = FakeWebhook()
        for fake in (self.webhook, self.ntfy, self.bark):
            self.addCleanup(fake.close)
        self.proc.set_counters({"eth0": (10**6, 10**6)})

    def urls(self):
        return ",".join(
            [
                f"json://127.0.0.1:{self.webhook.port}/{WEBHOOK_SECRET}",
                f"ntfy://127.0.0.1:{self.ntfy.port}/{NTFY_TOPIC}",
                f"bark://127.0.0.1:{self.bark.port}/{BARK_KEY}",
            ]
        )

    def settings(self, **more):
        return {
            "TRAFFIC_UNIT": "GB",
            # 10,000 bytes, one threshold at 80 %.
            "MONTHLY_TRAFFIC_GB": "0.00001",
            "THRESHOLDS": "80",
            "REPORT_INTERVAL_DAYS": "0",
            "NOTIFY_URLS": self.urls(),
            **more,
        }

    def start_monitor(self, **more):
        monitor = self.start(**self.settings(**more))
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        return monitor

    def use_8500_bytes(self):
        rx, tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (rx, tx + 8500)})

    def webhook_alerts(self):
        return [body for body in self.webhook.json_bodies() if body["kind"] == "threshold"]

    def ntfy_alerts(self):
        return [
            request
            for request in self.ntfy.requests()
            if "Traffic alert" in decoded_title(request[1]["Title"])
        ]

    def bark_alerts(self):
        return [
            body
            for body in self.bark.json_bodies()
            if "Traffic alert" in body["title"]
        ]

    def test_each_target_receives_the_alert_once_in_its_own_format(self):
        self.start_monitor()
        self.use_8500_bytes()
        self.wait_for(
            lambda: self.webhook_alerts() and self.ntfy_alerts() and self.bark_alerts(),
            what="the alert at all three targets",
        )
        [alert] = self.webhook_alerts()
        self.assertEqual(self.webhook.requests()[-1][0], "/" + WEBHOOK_SECRET)
        self.assertEqual(self.webhook.requests()[-1][1]["Content-Type"], "application/json")
        self.assertEqual(alert["counted_bytes"], 8500)
        self.assertEqual(alert["quota_bytes"], 10000)
        self.assertEqual(alert["percent"], 85.0)
        self.assertEqual(alert["threshold_percent"], 80.0)
        self.assertEqual(alert["host"], "e2e-host")
        self.assertEqual(alert["ip"], "203.0.113.7")
        self.assertTrue(alert["title"].startswith("⚠️ Traffic alert"), alert["title"])
        self.assertIn("e2e-host", alert["message"])
        self.assertIsInstance(alert["event_id"], int)

        [(path, headers, body)] = self.ntfy_alerts()
        self.assertEqual(path, "/" + NTFY_TOPIC)
        self.assertEqual(headers["Priority"], "high")
        self.assertIn("e2e-host", body.decode())

        [bark] = self.bark_alerts()
        self.assertEqual(self.bark.requests()[-1][0], "/push")
        self.assertEqual(bark["device_key"], BARK_KEY)
        self.assertEqual(bark["level"], "timeSensitive")
        self.assertIn("e2e-host", bark["body"])

        # More readings change nothing: each had it once.
        time.sleep(3)
        self.assertEqual(len(self.webhook_alerts()), 1)
        self.assertEqual(len(self.ntfy_alerts()), 1)
        self.assertEqual(len(self.bark_alerts()), 1)
        self.assertEqual(self.state()["outbox"], [])

    def test_a_target_down_across_a_kill_gets_the_alert_after_the_restart_and_no_other_twice(self):
        self.webhook.answer(503, b"down")
        monitor = self.start_monitor()
        self.use_8500_bytes()
        self.wait_for(
            lambda: self.ntfy_alerts() and self.bark_alerts(), what="the alert at ntfy and Bark"
        )
        self.wait_for(lambda: self.webhook.refused_requests(), what="a refused attempt at the webhook")
        # The start-up message and the alert, stored as owed to the webhook alone.
        self.wait_for(
            lambda: [len(e["targets_left"]) for e in self.state()["outbox"]] == [1, 1],
            what="the outbox owing the webhook alone",
        )
        owed_ids = [e["id"] for e in self.state()["outbox"]]
        [owed] = {e["targets_left"][0] for e in self.state()["outbox"]}
        self.assertTrue(owed.startswith(f"json://127.0.0.1:{self.webhook.port}/***#"), owed)
        self.assertNotIn(WEBHOOK_SECRET, json.dumps(self.state()))
        monitor.kill()

        self.webhook.answer(204, b"")
        self.start(**self.settings())
        self.wait_for(lambda: self.webhook_alerts(), what="the alert at the webhook")
        self.wait_for(lambda: self.state()["outbox"] == [], what="an empty outbox")
        time.sleep(2)
        self.assertEqual(len(self.webhook_alerts()), 1)
        self.assertEqual(len(self.ntfy_alerts()), 1)
        self.assertEqual(len(self.bark_alerts()), 1)
        # The events of the first run, with their ids: a receiver can tell a repeat.
        self.assertIn(self.webhook_alerts()[0]["event_id"], owed_ids)
        started_ids = {
            json.loads(raw)["event_id"] for _, _, raw in self.webhook.refused_requests()
        }
        self.assertEqual(started_ids, {owed_ids[0]})

    def test_an_email_reaches_the_smtp_server(self):
        smtp = FakeSmtp("monitor@e2e.test", SMTP_PASSWORD)
        self.addCleanup(smtp.close)
        url = (
            f"mailto://monitor%40e2e.test:{SMTP_PASSWORD}@127.0.0.1:{smtp.port}"
            "?to=owner@e2e.test,ops@e2e.test"
        )
        self.start_monitor(NOTIFY_URLS=url, MESSAGE_LANG="zh")
        self.use_8500_bytes()

        def alerts():
            found = []
            for login, sender, recipients, raw in smtp.received():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                if "流量告警" in str(message["Subject"]):
                    found.append((login, sender, recipients, message))
            return found

        self.wait_for(alerts, what="the alert by e-mail")
        [(login, sender, recipients, message)] = alerts()
        self.assertEqual(login, "monitor@e2e.test")
        self.assertEqual(sender, "monitor@e2e.test")
        self.assertEqual(recipients, ["owner@e2e.test", "ops@e2e.test"])
        self.assertEqual(message.get_content_type(), "text/plain")
        text = message.get_content()
        self.assertIn("e2e-host", text)
        self.assertIn("203.0.113.7", text)
        self.assertTrue(message["Message-ID"].startswith("<traffic-monitor."))
        self.assertIn("delivered to mailto://***@127.0.0.1", self.output())

    def test_no_secret_of_any_kind_appears_in_any_output(self):
        telegram = FakeTelegram()
        self.addCleanup(telegram.close)
        secrets = {
            "dingtalk": "SECdingtalkSecret77",
            "dingtoken": "dingtalkToken77",
            "wecom": "wecomKeySecret77",
            "feishu": "feishuTokenSecret77",
            "discord": "discordTokenSecret77",
            "pushplus": "pushplusTokenSecret77",
            "tgram": "AAE_notifyBotSecret77",
        }
        # Unreachable services fail on the loopback address; what matters is what is written.
        urls = ",".join(
            [
                self.urls(),
                f"dingtalk://{secrets['dingtalk']}@{secrets['dingtoken']}",
                f"wecombot://{secrets['wecom']}",
                f"feishu://{secrets['feishu']}",
                f"discord://1234/{secrets['discord']}",
                f"pushplus://{secrets['pushplus']}",
                f"tgram://987654321:{secrets['tgram']}/-100777",
                f"mailto://monitor:{SMTP_PASSWORD}@127.0.0.1:9?to=owner@e2e.test",
            ]
        )
        settings = self.settings(
            NOTIFY_URLS=urls,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_CHAT_ID="-100123",
            TELEGRAM_API_BASE=telegram.base_url,
            HTTPS_PROXY="http://127.0.0.1:9",
            LOG_LEVEL="debug",
        )
        check = self.run_command("--check-config", **settings)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("NOTIFY_URLS=json://127.0.0.1:", check.stdout)
        self.assertIn("wecombot://***", check.stdout)
        monitor = self.start(**settings)
        self.wait_for(
            lambda: "not delivered to mailto://***@127.0.0.1:9" in self.output(),
            what="a failed e-mail attempt",
        )
        self.wait_for(lambda: self.ntfy.requests(), what="the start-up message at ntfy")
        monitor.stop()
        bad = self.run_command("--check-config", **{**settings, "NOTIFY_URLS": f"nope://{secrets['wecom']}"})
        self.assertEqual(bad.returncode, 2)
        self.assertIn("NOTIFY_URLS entry 1 (nope://)", bad.stderr)
        with open(os.path.join(self.data_dir, "traffic-monitor.log"), errors="replace") as log:
            log_file = log.read()
        outputs = {
            "check": check.stdout + check.stderr,
            "bad": bad.stdout + bad.stderr,
            "log": self.output(),
            "log file": log_file,
            "state": json.dumps(self.state()),
        }
        everything = [
            *secrets.values(),
            TOKEN.split(":")[1],
            WEBHOOK_SECRET,
            NTFY_TOPIC,
            BARK_KEY,
            SMTP_PASSWORD,
        ]
        for where, text in outputs.items():
            for secret in everything:
                self.assertNotIn(secret, text, f"{secret} in the {where}")


def decoded_title(header):
    """The text of an RFC 2047 header value."""
    return str(email.header.make_header(email.header.decode_header(header)))


if __name__ == "__main__":
    run_tests()
