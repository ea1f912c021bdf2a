"""The action at the limit by the real binary: the flag file DATA_DIR/over-limit, the
`over-limit` command and the two messages through a whole cycle on a wall clock moved with
libfaketime, across a SIGKILL; and the host's systemd units that act on the flag."""

import calendar
import json
import os
import shlex
import subprocess
import tempfile

from fake_telegram import FakeTelegram
from harness import FakeClock, MonitorTestCase, run_tests

NOVEMBER_20_NOON = calendar.timegm((2026, 11, 20, 12, 0, 0))
DECEMBER_1 = calendar.timegm((2026, 12, 1, 0, 0, 0))
TOKEN = "123456789:AAE_e2eSecretPart-xyz0123456789"
HOST_UNITS = os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "host")


class LimitAction(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.clock = FakeClock(self.workdir)
        self.telegram = FakeTelegram()
        self.addCleanup(self.telegram.close)
        self.proc.set_counters({"eth0": (10**6, 10**6)})
        self.flag = os.path.join(self.data_dir, "over-limit")

    def settings(self):
        return {
            "TRAFFIC_UNIT": "GB",
            # 10,000 bytes, a limit at half of it, and no threshold before it.
            "MONTHLY_TRAFFIC_GB": "0.00001",
            "LIMIT_PERCENT": "50",
            "THRESHOLDS": "90",
            "REPORT_INTERVAL_DAYS": "0",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_CHAT_ID": "-100123",
            "TELEGRAM_API_BASE": self.telegram.base_url,
            **self.clock.settings(),
        }

    def start_monitor(self):
        monitor = self.start(**self.settings())
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        return monitor

    def over_limit(self):
        return self.run_command("over-limit", **self.settings())

    def texts_with(self, title):
        return [text for text in self.telegram.texts() if title in text]

    def test_the_flag_and_the_command_follow_the_limit_through_a_cycle(self):
        self.clock.set(NOVEMBER_20_NOON)
        monitor = self.start_monitor()
        self.assertEqual(self.over_limit().returncode, 1)
        self.assertFalse(os.path.exists(self.flag))

        rx, tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (rx, tx + 6000)})
        self.wait_for(lambda: os.path.exists(self.flag), what="the flag file")
        with open(self.flag) as flag:
            contents = json.load(flag)
        self.assertEqual(contents["counted_bytes"], 6000)
        self.assertEqual(contents["quota_bytes"], 10000)
        self.assertEqual(contents["percent"], 60.0)
        self.assertEqual(contents["cycle_start"], "2026-11-01T00:00:00+00:00")
        self.assertEqual(contents["cycle_end"], "2026-12-01T00:00:00+00:00")
        self.assertTrue(contents["reached_at"].startswith("2026-11-20T12:"))
        result = self.over_limit()
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("over the limit since 2026-11-20T12:", result.stdout)
        self.wait_for(lambda: self.texts_with("Traffic limit reached"), what="the limit message")
        [reached] = self.texts_with("Traffic limit reached")
        self.assertTrue(reached.startswith("🛑 Traffic limit reached: 50% of the quota"), reached)

        # Killed and started again in the same cycle: nothing is announced twice.
        monitor.kill()
        self.start_monitor()
        self.wait_for(
            lambda: len(self.texts_with("Traffic monitor started")) == 2, what="the second start"
        )
        self.assertEqual(len(self.texts_with("Traffic limit reached")), 1)
        self.assertEqual(self.over_limit().returncode, 0)

        # The reset lifts it. A minute past the end: a wall clock that jumps (unlike one that
        # runs there) is noticed by the first reading dated that far past the cycle.
        self.clock.set(DECEMBER_1 + 90)
        self.wait_for(lambda: not os.path.exists(self.flag), what="the flag removed at the reset")
        self.wait_for(lambda: self.texts_with("Traffic limit lifted"), what="the lift message")
        self.assertEqual(len(self.texts_with("Traffic limit lifted")), 1)
        result = self.over_limit()
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("not over the limit in the cycle 2026-12-01", result.stdout)
        self.assertEqual(len(self.texts_with("Traffic limit reached")), 1)


class HostUnits(MonitorTestCase):
    def unit_lines(self, name):
        with open(os.path.join(HOST_UNITS, name)) as unit:
            return [line.strip() for line in unit if "=" in line and not line.startswith("#")]

    def value(self, name, key):
        values = [
            line.split("=", 1)[1] for line in self.unit_lines(name) if line.startswith(key + "=")
        ]
        self.assertEqual(len(values), 1, f"{key} in {name}")
        return values[0]

    def test_systemd_accepts_both_units_without_a_warning(self):
        units = [
            os.path.join(HOST_UNITS, name)
            for name in ("traffic-monitor-limit.path", "traffic-monitor-limit.service")
        ]
        result = subprocess.run(
            ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def test_the_path_unit_watches_the_file_the_service_reads(self):
        path_unit = "traffic-monitor-limit.path"
        self.assertEqual(self.value(path_unit, "Unit"), "traffic-monitor-limit.service")
        watched = self.value(path_unit, "PathChanged")
        self.assertEqual(os.path.basename(watched), "over-limit")
        environment = [
            line.split("=", 1)[1].strip('"')
            for line in self.unit_lines("traffic-monitor-limit.service")
            if line.startswith("Environment=")
        ]
        self.assertIn(f"FLAG={watched}", environment)

    def test_the_service_runs_the_limit_command_while_the_flag_exists_and_the_other_after(self):
        command = shlex.split(self.value("traffic-monitor-limit.service", "ExecStart"))
        with tempfile.TemporaryDirectory() as work:
            flag = os.path.join(work, "over-limit")
            ran = os.path.join(work, "ran")
            env = {
                "PATH": os.environ["PATH"],
                "FLAG": flag,
                "ON_LIMIT": f"echo limit >> {ran}",
                "ON_LIFT": f"echo lift >> {ran}",
            }
            open(flag, "w").close()
            subprocess.run(command, env=env, check=True)
            os.remove(flag)
            subprocess.run(command, env=env, check=True)
            with open(ran) as log:
                self.assertEqual(log.read(), "limit\nlift\n")


if __name__ == "__main__":
    run_tests()
