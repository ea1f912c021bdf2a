"""Counting with the real binary: exact bytes across restarts, reboots and SIGKILLs."""

import random
import re
import signal
import time

from harness import MonitorTestCase, run_tests

ISO_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d ")


class Counting(MonitorTestCase):
    def grow(self, rx, tx):
        (old_rx, old_tx) = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (old_rx + rx, old_tx + tx)})

    def test_counts_exactly_and_takes_a_last_sample_on_sigterm(self):
        self.proc.set_counters({"eth0": (5_000_000, 9_000_000)})
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        for _ in range(3):
            self.grow(1_000, 2_000)
            self.wait_for_sample_after(time.time())
        # Not yet sampled when the signal arrives: the last sample must catch it.
        self.grow(5, 7)
        started = time.monotonic()
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)
        self.assertLess(time.monotonic() - started, 5)
        status = self.status()
        self.assertEqual(status["rx_bytes"], 3_005)
        self.assertEqual(status["tx_bytes"], 6_007)
        self.assertEqual(status["counted_bytes"], 6_007)
        self.assertEqual(status["direction"], "outbound")
        self.assertEqual(status["interfaces"], ["eth0"])
        self.assertEqual(status["quota_bytes"], 1024 * 1024**3)
        self.assertRegex(status["cycle_start"], r"^\d{4}-\d\d-01T00:00:00\+00:00$")

    def test_logs_are_plain_iso_lines_naming_the_actor(self):
        monitor = self.start()
        self.wait_for(lambda: "Traffic monitor started" in self.output(), what="the start notice")
        self.assertEqual(monitor.stop(), 0)
        output = self.output()
        self.assertNotIn("\x1b[", output)
        lines = [line for line in output.splitlines() if ISO_LINE.match(line)]
        self.assertTrue(lines)
        for actor in ("[main]", "[notifier]", "[accounting]"):
            self.assertTrue(any(actor in line for line in lines), actor)
        self.assertIn("messages only go to the log", output)
        with open(f"{self.data_dir}/traffic-monitor.log") as log_file:
            self.assertIn("Traffic monitor started", log_file.read())

    def test_traffic_while_stopped_and_after_a_reboot_is_counted(self):
        self.proc.set_counters({"eth0": (100, 100)})
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        self.grow(10, 20)
        self.assertEqual(monitor.stop(), 0)
        # While stopped, same boot: counted in full at the next start.
        self.grow(300, 400)
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        self.assertEqual(monitor.stop(), 0)
        # A reboot: counters restart from zero and everything on them is new traffic.
        self.proc.set_boot_id("a1b2c3d4-0000-4000-8000-000000000002")
        self.proc.set_counters({"eth0": (50, 60)})
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        self.assertEqual(monitor.stop(), 0)
        status = self.status()
        self.assertEqual(status["rx_bytes"], 10 + 300 + 50)
        self.assertEqual(status["tx_bytes"], 20 + 400 + 60)

    def test_sigkill_at_random_moments_loses_and_doubles_nothing(self):
        rng = random.Random(20261128)
        self.proc.set_counters({"eth0": (1_000_000, 2_000_000)})
        moved_rx = moved_tx = 0
        # The fake counters move faster than any real link; the bandwidth limit is off.
        unlimited = {"MAX_BANDWIDTH_MBIT": "0"}
        monitor = self.start(**unlimited)
        self.wait_for_sample_after(time.time())
        for _ in range(20):
            for _ in range(rng.randint(1, 4)):
                rx, tx = rng.randint(0, 10**9), rng.randint(0, 10**9)
                self.grow(rx, tx)
                moved_rx, moved_tx = moved_rx + rx, moved_tx + tx
                time.sleep(rng.uniform(0, 0.6))
            monitor.kill()
            rx, tx = rng.randint(0, 10**6), rng.randint(0, 10**6)
            self.grow(rx, tx)
            moved_rx, moved_tx = moved_rx + rx, moved_tx + tx
            monitor = self.start(**unlimited)
            time.sleep(rng.uniform(0, 0.8))
        self.wait_for_sample_after(time.time())
        self.assertEqual(monitor.stop(), 0)
        status = self.status()
        self.assertEqual(status["rx_bytes"], moved_rx)
        self.assertEqual(status["tx_bytes"], moved_tx)

    def test_a_threshold_alerts_once_across_restarts(self):
        # 1 MiB quota in GiB: 1/1024 GiB.
        settings = {"MONTHLY_TRAFFIC_GB": "0.0009765625", "THRESHOLDS": "50,80"}
        monitor = self.start(**settings)
        self.wait_for_sample_after(time.time())
        self.grow(0, 900 * 1024)
        self.wait_for(lambda: "Traffic alert" in self.output(), what="an alert")
        self.assertEqual(monitor.stop(), 0)
        monitor = self.start(**settings)
        self.wait_for_sample_after(time.time())
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.output().count("Traffic alert"), 1)
        self.assertIn("Traffic alert: 80% of the quota reached", self.output())
        self.assertEqual(self.status(**settings)["thresholds_alerted"], [50, 80])


if __name__ == "__main__":
    run_tests()
