"""A state file the monitor cannot use, and what status and health tell about the state."""

import json
import os
import time

from harness import FaultShim, MonitorTestCase, run_tests

GIB = 1024**3


class UnusableStateFile(MonitorTestCase):
    """A state file that cannot be read, or that a newer version wrote, stops the monitor
    before it starts and stays as it is: starting afresh would lose the cycle's totals."""

    def state_path(self):
        return os.path.join(self.data_dir, "state.json")

    def assert_stops_naming_the_file(self, reason, **overrides):
        monitor = self.start(**overrides)
        self.assertEqual(monitor.process.wait(timeout=10), 2, self.output())
        lines = self.output().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(self.state_path(), lines[0])
        self.assertIn(reason, lines[0])
        self.assertEqual(sorted(os.listdir(self.data_dir)), ["state.json"])
        return lines[0]

    def test_a_state_file_the_monitor_may_not_read(self):
        os.makedirs(self.data_dir)
        with open(self.state_path(), "w") as state:
            state.write('{"schema_version": 1}')
        shim = FaultShim(self.workdir, self.state_path())
        shim.begin("unreadable")
        self.assert_stops_naming_the_file("Permission denied", **shim.settings())
        self.assertEqual(shim.injected("open", shim.faulty_dir), 1)
        with open(self.state_path()) as state:
            self.assertEqual(state.read(), '{"schema_version": 1}')

    def test_a_state_file_that_cannot_be_read(self):
        os.makedirs(os.path.join(self.state_path(), "kept"))
        self.assert_stops_naming_the_file("Is a directory")
        self.assertEqual(os.listdir(self.state_path()), ["kept"])

    def test_a_state_file_from_a_newer_version(self):
        os.makedirs(self.data_dir)
        newer = json.dumps({"schema_version": 4, "cycle_tx_bytes": 123})
        with open(self.state_path(), "w") as state:
            state.write(newer)
        line = self.assert_stops_naming_the_file("schema_version 4")
        self.assertIn("upgrade, or restore a backup", line)
        with open(self.state_path()) as state:
            self.assertEqual(state.read(), newer)


class CorruptStateFileThatCannotBeMovedAside(MonitorTestCase):
    def test_the_notice_does_not_claim_it_was_moved(self):
        os.makedirs(self.data_dir)
        path = os.path.join(self.data_dir, "state.json")
        with open(path, "w") as state:
            state.write("{garbage")
        shim = FaultShim(self.workdir, self.data_dir)
        shim.begin("read-only")
        monitor = self.start(**shim.settings())
        self.wait_for(lambda: "could not be moved aside" in self.output(), what="the log line")
        self.wait_for(lambda: "counting started afresh" in self.output(), what="the notice")
        self.assertNotIn(f"moved to {path}", self.output())
        self.assertIn("The state file could not be read, nor moved aside", self.output())
        self.assertEqual(monitor.stop(), 0)


class StatusShowsTheMonitorsFigures(MonitorTestCase):
    def test_status_from_a_shell_with_other_settings(self):
        self.proc.set_counters({"ens5": (0, 0)})
        monitor = self.start(
            MONTHLY_TRAFFIC_GB="200", TRAFFIC_DIRECTION="bidirectional", NETWORK_INTERFACE="ens5",
            # 150 GiB within one interval is past the default bandwidth limit.
            MAX_BANDWIDTH_MBIT="0",
        )
        self.wait_for_sample_after(time.time())
        self.proc.set_counters({"ens5": (100 * GIB, 50 * GIB)})
        self.wait_for(lambda: self.state()["cycle_tx_bytes"] == 50 * GIB, what="the traffic")
        # A shell with only DATA_DIR (and the test's proc tree, whose route names eth0).
        plain = {"TZ": None, "CHECK_INTERVAL_SECONDS": None, "MESSAGE_LANG": None,
                 "SERVER_NAME": None, "PUBLIC_IP": None}
        status = self.status(**plain)
        self.assertEqual(status["counted_bytes"], 150 * GIB)
        self.assertEqual(status["quota_bytes"], 200 * GIB)
        self.assertEqual(status["direction"], "bidirectional")
        self.assertEqual(status["interfaces"], ["ens5"])
        self.assertEqual(status["remaining_bytes"], 50 * GIB)
        self.assertEqual(
            status["settings_differ"],
            ["MONTHLY_TRAFFIC_GB", "TRAFFIC_DIRECTION", "NETWORK_INTERFACE", "TZ"],
        )
        text = self.run_command("status", **plain)
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("150.00 GiB of 200.00 GiB (75.0%, bidirectional)", text.stdout)
        self.assertIn("note: this shell's settings differ from the running monitor's", text.stdout)
        self.assertIn("MONTHLY_TRAFFIC_GB (monitor 200.00 GiB, this shell 1024.00 GiB)", text.stdout)
        self.assertEqual(monitor.stop(), 0)

    def test_status_json_without_a_state_answers_with_an_error_object(self):
        result = self.run_command("status", "--json")
        self.assertEqual(result.returncode, 1)
        answer = json.loads(result.stdout)
        self.assertIn("state.json", answer["error"])

    def test_health_refuses_a_state_file_dated_in_the_future(self):
        monitor = self.start()
        self.wait_for(lambda: self.run_command("health").returncode == 0, what="a healthy monitor")
        self.assertEqual(monitor.stop(), 0)
        tomorrow = time.time() + 86400
        os.utime(os.path.join(self.data_dir, "state.json"), (tomorrow, tomorrow))
        result = self.run_command("health")
        self.assertEqual(result.returncode, 1)
        self.assertIn("in the future", result.stdout)


if __name__ == "__main__":
    run_tests()
