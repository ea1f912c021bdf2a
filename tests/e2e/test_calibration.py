"""Calibration by the real binary: `calibrate --used AMOUNT` against a running monitor and a
stopped one, a command or a monitor killed midway (never lost, never applied twice), and a
bad AMOUNT refused."""

import json
import os
import re
import signal
import subprocess
import time

from fake_telegram import FakeTelegram
from harness import BINARY, FakeClock, MonitorTestCase, run_tests

GB = 1000**3


class Calibration(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.proc.set_counters({"eth0": (10**6, 10**6)})

    def start_counting(self, **settings):
        monitor = self.start(TRAFFIC_UNIT="GB", **settings)
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        return monitor

    def grow_tx(self, amount):
        rx, tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (rx, tx + amount)})

    def calibrate(self, amount, **settings):
        return self.run_command("calibrate", "--used", amount, TRAFFIC_UNIT="GB", **settings)

    def request_path(self):
        return os.path.join(self.data_dir, "calibration-request.json")

    def applied_ids(self):
        """The request ids the monitor's log says it applied, in order."""
        return re.findall(r"usage calibrated \(request ([0-9a-f]+)\)", self.output())

    def test_a_running_monitor_applies_it_and_the_command_prints_the_new_status(self):
        self.start_counting()
        self.grow_tx(5000)
        self.wait_for(lambda: self.state()["cycle_tx_bytes"] == 5000, what="5000 bytes counted")
        result = self.calibrate("312.5GB")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("counted:    312.50 GB of", result.stdout)
        status = self.status(TRAFFIC_UNIT="GB")
        self.assertEqual(status["counted_bytes"], 312_500_000_000)
        self.assertEqual(status["adjustment_bytes"], 312_500_000_000 - 5000)
        self.assertEqual(len(self.applied_ids()), 1)
        self.assertFalse(os.path.exists(self.request_path()))
        # Later traffic adds to the provider's figure.
        self.grow_tx(700)
        self.wait_for(
            lambda: self.status(TRAFFIC_UNIT="GB")["counted_bytes"] == 312_500_000_700,
            what="traffic counted on top of the calibration",
        )
        self.assertEqual(len(self.applied_ids()), 1)

    def test_a_stopped_monitor_is_calibrated_by_the_command_and_announces_it_when_it_starts(self):
        monitor = self.start_counting()
        self.grow_tx(4000)
        self.wait_for(lambda: self.state()["cycle_tx_bytes"] == 4000, what="4000 bytes counted")
        self.assertEqual(monitor.stop(), 0)
        result = self.calibrate("1.5 GiB")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("usage calibrated with no monitor running", result.stdout)
        state = self.state()
        self.assertEqual(state["cycle_adjustment_bytes"], 3 * 2**29 - 4000)
        self.assertEqual([e["kind"] for e in state["outbox"]], ["usage_calibrated"])
        with open(os.path.join(self.data_dir, "traffic-monitor.log")) as log:
            self.assertIn("usage calibrated with no monitor running", log.read())
        telegram = FakeTelegram()
        self.addCleanup(telegram.close)
        self.start_counting(
            TELEGRAM_BOT_TOKEN="123456789:AAE_e2eSecretPart-xyz0123456789",
            TELEGRAM_CHAT_ID="-100123",
            TELEGRAM_API_BASE=telegram.base_url,
        )
        self.wait_for(
            lambda: any(t.startswith("🎯 Usage calibrated") for t in telegram.texts()),
            what="the announcement",
        )
        [announcement] = [t for t in telegram.texts() if "Usage calibrated" in t]
        self.assertIn("Before: 0.00 GB, now: 1.61 GB", announcement)
        self.assertEqual(self.status(TRAFFIC_UNIT="GB")["counted_bytes"], 3 * 2**29)

    def test_a_first_calibration_before_the_first_start_is_kept(self):
        result = self.calibrate("20", DATA_DIR=self.data_dir)
        # No data directory yet: nothing to lock, nothing changed.
        self.assertEqual(result.returncode, 1)
        self.assertIn("DATA_DIR", result.stderr)
        os.makedirs(self.data_dir)
        result = self.calibrate("20")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.start_counting()
        self.grow_tx(10)
        self.wait_for(
            lambda: self.status(TRAFFIC_UNIT="GB")["counted_bytes"] == 20 * GB + 10,
            what="the calibrated figure plus the new traffic",
        )

    def test_a_stopped_monitor_whose_cycle_ended_is_not_calibrated_into_the_old_cycle(self):
        clock = FakeClock(self.workdir)
        clock.set(1_796_000_000)  # 2026-11-30
        monitor = self.start_counting(**clock.settings())
        self.assertEqual(monitor.stop(), 0)
        before = self.state()
        clock.set(1_796_000_000 + 3 * 86400)
        result = self.calibrate("5GB", **clock.settings())
        self.assertEqual(result.returncode, 1)
        self.assertIn("is not the current one: start the monitor", result.stderr)
        self.assertEqual(self.state(), before)

    def test_a_bad_amount_is_refused_and_changes_nothing(self):
        self.start_counting()
        before = self.state()
        for amount in ["-5", "5 PB", "lots", "1e3", ""]:
            result = self.calibrate(amount)
            self.assertEqual(result.returncode, 2, amount)
            self.assertEqual(result.stdout, "")
            lines = result.stderr.splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertTrue(lines[0].startswith(f'--used "{amount}"'), lines[0])
            self.assertIn("KiB, MiB, GiB, TiB", lines[0])
        self.assertFalse(os.path.exists(self.request_path()))
        self.assertEqual(self.state()["cycle_adjustment_bytes"], before["cycle_adjustment_bytes"])
        missing = self.run_command("calibrate", "--used")
        self.assertEqual(missing.returncode, 2)
        self.assertIn("needs an argument", missing.stderr)

    def test_a_command_killed_while_waiting_leaves_a_request_applied_once(self):
        monitor = self.start_counting()
        # A monitor that cannot take the request yet.
        monitor.process.send_signal(signal.SIGSTOP)
        command = subprocess.Popen(
            [BINARY, "calibrate", "--used", "7GB"],
            env=self.environment(TRAFFIC_UNIT="GB"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_for(lambda: os.path.exists(self.request_path()), what="the request")
        command.kill()
        command.wait()
        monitor.process.send_signal(signal.SIGCONT)
        self.wait_for(lambda: not os.path.exists(self.request_path()), what="the request taken")
        self.assertEqual(self.status(TRAFFIC_UNIT="GB")["counted_bytes"], 7 * GB)
        time.sleep(3)
        self.assertEqual(len(self.applied_ids()), 1)

    def test_a_monitor_that_does_not_take_it_in_time_gets_it_withdrawn(self):
        monitor = self.start_counting()
        monitor.process.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        result = self.calibrate("7GB")
        waited = time.monotonic() - started
        monitor.process.send_signal(signal.SIGCONT)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not applied", result.stderr)
        # 2 x CHECK_INTERVAL_SECONDS + 10 s.
        self.assertGreaterEqual(waited, 12)
        self.assertFalse(os.path.exists(self.request_path()))
        time.sleep(3)
        self.assertEqual(self.applied_ids(), [])
        self.assertEqual(self.status(TRAFFIC_UNIT="GB")["adjustment_bytes"], 0)

    def test_a_monitor_killed_after_saving_does_not_apply_it_again(self):
        monitor = self.start_counting()
        self.assertEqual(monitor.stop(), 0)
        # What a monitor killed between writing the state and removing the request leaves.
        state = self.state()
        state["last_calibration_id"] = "a" * 32
        state["cycle_adjustment_bytes"] = 1234
        with open(os.path.join(self.data_dir, "state.json"), "w") as out:
            json.dump(state, out)
        with open(self.request_path(), "w") as out:
            json.dump({"id": "a" * 32, "used_bytes": 99, "requested_at": int(time.time())}, out)
        self.start_counting()
        self.wait_for(lambda: not os.path.exists(self.request_path()), what="the request removed")
        self.assertEqual(self.applied_ids(), [])
        self.assertEqual(self.state()["cycle_adjustment_bytes"], 1234)

    def test_monitors_killed_at_any_moment_apply_each_request_once_and_lose_none(self):
        monitor = self.start_counting()
        for index, gigabytes in enumerate(range(11, 17)):
            command = subprocess.Popen(
                [BINARY, "calibrate", "--used", f"{gigabytes}GB"],
                env=self.environment(TRAFFIC_UNIT="GB"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            # Before the request, while it is applied, or after.
            time.sleep(0.15 * index)
            monitor.kill()
            monitor = self.start(TRAFFIC_UNIT="GB")
            _, errors = command.communicate(timeout=30)
            self.assertEqual(command.returncode, 0, errors)
            self.assertEqual(self.status(TRAFFIC_UNIT="GB")["counted_bytes"], gigabytes * GB)
        applied = self.applied_ids()
        self.assertEqual(len(applied), len(set(applied)), applied)
        self.assertEqual(self.state()["last_calibration_id"], applied[-1])


if __name__ == "__main__":
    run_tests()
