"""Counter glitches with the real binary: interfaces that come and go, reboots, counters
that jump, and quota changes between runs."""

import time

from fake_telegram import FakeTelegram
from harness import MonitorTestCase, run_tests

GIB = 1024**3
REBOOTED = "a1b2c3d4-0000-4000-8000-000000000002"


class CounterGlitches(MonitorTestCase):
    def sample_now(self):
        self.wait_for_sample_after(time.time())

    def test_an_interface_missing_after_a_reboot_counts_its_whole_counter(self):
        self.proc.set_counters({"eth0": (0, 1000), "wg0": (0, 5000)})
        settings = {"NETWORK_INTERFACE": "eth0,wg0"}
        monitor = self.start(**settings)
        self.sample_now()
        self.assertEqual(monitor.stop(), 0)
        # The host reboots; wg0 comes up only after the first reading.
        self.proc.set_boot_id(REBOOTED)
        self.proc.set_uptime(30)
        self.proc.set_counters({"eth0": (0, 300)})
        monitor = self.start(**settings)
        self.sample_now()
        self.proc.set_counters({"eth0": (0, 300), "wg0": (0, 7000)})
        self.sample_now()
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.status(**settings)["tx_bytes"], 300 + 7000)

    def test_an_interface_re_created_within_a_boot_counts_its_whole_counter(self):
        self.proc.set_counters({"eth0": (0, 0), "wg0": (0, 800)})
        settings = {"NETWORK_INTERFACE": "eth0,wg0"}
        monitor = self.start(**settings)
        self.sample_now()
        self.proc.set_counters({"eth0": (0, 0)})
        self.sample_now()
        self.proc.set_counters({"eth0": (0, 0), "wg0": (0, 900)})
        self.sample_now()
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.status(**settings)["tx_bytes"], 900)

    def test_a_small_dip_in_a_big_counter_is_not_counted_and_logged(self):
        self.proc.set_counters({"eth0": (0, 500 * GIB)})
        monitor = self.start()
        self.sample_now()
        self.proc.set_counters({"eth0": (0, 500 * GIB - 4096)})
        self.wait_for(lambda: "allows (" in self.output(), what="the warning")
        self.proc.set_counters({"eth0": (0, 500 * GIB + 1000)})
        self.sample_now()
        self.assertEqual(monitor.stop(), 0)
        warning = next(line for line in self.output().splitlines() if "went from" in line)
        self.assertIn(" warning [accounting] ", warning)
        self.assertIn(f"eth0 tx went from {500 * GIB} to {500 * GIB - 4096} bytes", warning)
        self.assertIn("more than MAX_BANDWIDTH_MBIT=10000 allows", warning)
        self.assertEqual(self.status()["tx_bytes"], 4096 + 1000)
        self.assertNotIn("Traffic alert", self.output())

    def test_a_raised_quota_alerts_again_at_a_threshold_reached_again(self):
        telegram = FakeTelegram()
        self.addCleanup(telegram.close)
        bot = {
            "TELEGRAM_BOT_TOKEN": "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr",
            "TELEGRAM_CHAT_ID": "42",
            "TELEGRAM_API_BASE": telegram.base_url,
            "THRESHOLDS": "80",
        }
        alerts = lambda: [t for t in telegram.texts() if "Traffic alert" in t]
        monitor = self.start(MONTHLY_TRAFFIC_GB="1", **bot)
        self.sample_now()
        self.proc.set_counters({"eth0": (0, int(0.85 * GIB))})
        self.wait_for(lambda: len(alerts()) == 1, what="the first 80 % alert")
        self.assertEqual(monitor.stop(), 0)
        monitor = self.start(MONTHLY_TRAFFIC_GB="2", **bot)
        self.sample_now()
        # The first byte count at or above 85 % of 2 GiB (1.7 GiB is not a whole number of
        # bytes, and a share not reached is never shown rounded up).
        self.proc.set_counters({"eth0": (0, 17 * GIB // 10 + 1)})
        self.wait_for(lambda: len(alerts()) == 2, what="an 80 % alert of the raised quota")
        self.assertEqual(monitor.stop(), 0)
        self.assertIn("Traffic alert: 80% of the quota reached", alerts()[1])
        self.assertIn("/ 2.00 GiB (85.0%)", alerts()[1])


if __name__ == "__main__":
    run_tests()
