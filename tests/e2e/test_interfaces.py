"""A mistyped or missing interface with the real binary: what the start-up message, the log
and the health check say."""

import time

from fake_telegram import FakeTelegram
from harness import MonitorTestCase, run_tests


class MissingInterface(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.telegram = FakeTelegram()
        self.addCleanup(self.telegram.close)

    def start_with_bot(self, **settings):
        return self.start(
            TELEGRAM_BOT_TOKEN="123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr",
            TELEGRAM_CHAT_ID="42",
            TELEGRAM_API_BASE=self.telegram.base_url,
            **settings,
        )

    def started_message(self):
        self.wait_for(lambda: self.telegram.texts(), what="the start-up message")
        return self.telegram.texts()[0]

    def test_a_mistyped_interface_is_named_and_fails_health(self):
        self.proc.set_counters({"eth0": (100, 200)})
        monitor = self.start_with_bot(NETWORK_INTERFACE="eht0")
        text = self.started_message()
        self.assertIn("Interfaces counted: none", text)
        self.assertIn("Interfaces not found: eht0 (existing: lo, eth0)", text)
        self.wait_for(lambda: "did you mean eth0?" in self.output(), what="the log line")
        self.assertNotIn("network_mode", self.output())
        # Missing for more than 3 intervals of 1 s: unhealthy, and saying why.
        missing_since = time.time()
        self.wait_for_sample_after(missing_since + 5)
        health = self.run_command("health", NETWORK_INTERFACE="eht0")
        self.assertEqual(health.returncode, 1, health.stdout)
        self.assertIn("network interface eht0 has been missing since", health.stdout)
        # It appears: healthy again at the next sample.
        self.proc.set_counters({"eth0": (100, 200), "eht0": (1, 2)})
        self.wait_for(
            lambda: self.run_command("health", NETWORK_INTERFACE="eht0").returncode == 0,
            what="health to pass once the interface exists",
        )
        self.assertEqual(monitor.stop(), 0)

    def test_the_start_up_message_names_the_counted_interfaces(self):
        self.proc.set_counters({"eth0": (100, 200), "wg0": (1, 2)})
        monitor = self.start_with_bot(NETWORK_INTERFACE="eth0,wg0")
        text = self.started_message()
        self.assertIn("Interfaces counted: eth0, wg0", text)
        self.assertNotIn("not found", text)
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.run_command("health", NETWORK_INTERFACE="eth0,wg0").returncode, 0)

    def test_a_name_unlike_any_in_a_container_like_view_gets_the_host_networking_hint(self):
        self.proc.set_counters({"eth0": (100, 200)})
        monitor = self.start(NETWORK_INTERFACE="ens3")
        self.wait_for(lambda: "network_mode: host" in self.output(), what="the hint")
        self.assertEqual(monitor.stop(), 0)


if __name__ == "__main__":
    run_tests()
