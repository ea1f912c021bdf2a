"""The command line and configuration errors of the real binary."""

import os
import time

from harness import MonitorTestCase, run_tests


class CommandLine(MonitorTestCase):
    def test_version_and_help(self):
        version = self.run_command("--version")
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout, r"^traffic-monitor \d+\.\d+\.\d+\n"
                                         r"(Debian's shared libcurl and CAF|static OpenSSL \S+, "
                                         r"libcurl \S+ and CAF \S+, built from Debian bookworm's "
                                         r"sources)\n$")
        usage = self.run_command("--help")
        self.assertEqual(usage.returncode, 0)
        self.assertIn("status --json", usage.stdout)

    def test_unknown_arguments_exit_2_naming_the_argument(self):
        for args, unknown in (
            (["--frobnicate"], "--frobnicate"),
            (["status", "--xml"], "--xml"),
            (["status", "--json", "x"], '"x"'),
            (["health", "now"], '"now"'),
        ):
            result = self.run_command(*args)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn("--help", result.stderr)
            self.assertIn(unknown, result.stderr)

    def test_check_config_refuses_what_the_run_cannot_use(self):
        blocker = os.path.join(self.workdir, "a-file")
        with open(blocker, "w") as regular:
            regular.write("not a directory\n")
        cases = {
            "HOST_PROC": {"HOST_PROC": "/nonexistent"},
            "DATA_DIR": {"DATA_DIR": os.path.join(blocker, "data")},
            "LOG_FILE": {"LOG_FILE": os.path.join(blocker, "monitor.log")},
        }
        for variable, overrides in cases.items():
            with self.subTest(variable=variable):
                result = self.run_command("--check-config", **overrides)
                self.assertEqual(result.returncode, 2, result.stdout)
                self.assertTrue(result.stderr.startswith(variable + "="), result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertEqual(self.run_command("--check-config").returncode, 0)
        self.assertFalse(os.path.exists(self.data_dir), "checking must not create DATA_DIR")

    def test_check_config_refuses_a_device_as_secret_file_at_once(self):
        result = self.run_command(
            "--check-config", TELEGRAM_BOT_TOKEN_FILE="/dev/zero", TELEGRAM_CHAT_ID="1"
        )
        self.assertEqual(result.returncode, 2)
        self.assertIn("TELEGRAM_BOT_TOKEN_FILE", result.stderr)

    def test_time_zone_offsets_are_refused_and_the_offset_is_shown(self):
        result = self.run_command("--check-config", TZ="UTC+8")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Etc/GMT-8", result.stderr)
        self.assertIn("Asia/Shanghai", result.stderr)
        shown = self.run_command("--check-config", TZ="Asia/Shanghai")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("TZ=Asia/Shanghai (UTC+08:00)\n", shown.stdout)

    def test_check_config_prints_effective_values_with_the_token_masked(self):
        token = "123456789:AAFakeTokenValue_abcdefghijklmnop"
        result = self.run_command(
            "--check-config", TELEGRAM_BOT_TOKEN=token, TELEGRAM_CHAT_ID="-1001234567890"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("MONTHLY_TRAFFIC_GB=1024", result.stdout)
        self.assertIn("RESET_DAY=1", result.stdout)
        self.assertIn("THRESHOLDS=80,90,95", result.stdout)
        self.assertIn("123456789:***", result.stdout)
        self.assertNotIn("AAFakeTokenValue", result.stdout + result.stderr)
        self.assertFalse(os.path.exists(self.data_dir), "checking must not create DATA_DIR")

    def test_every_bad_setting_exits_2_naming_the_variable_and_value(self):
        cases = {
            "RESET_DAY": "32",
            "MONTHLY_TRAFFIC_GB": "-5",
            "THRESHOLDS": "80,,90",
            "CHECK_INTERVAL_SECONDS": "60s",
            "TRAFFIC_DIRECTION": "sideways",
            "TRAFFIC_UNIT": "TB",
            "REPORT_INTERVAL_DAYS": "16",
            "REPORT_TIME": "25:00",
            "LOG_LEVEL": "loud",
            "MESSAGE_LANG": "fr",
            "NETWORK_INTERFACE": "eth0,,eth1",
            "TZ": "Asia/Shangai",
        }
        for variable, value in cases.items():
            with self.subTest(variable=variable):
                result = self.run_command("--check-config", **{variable: value})
                self.assertEqual(result.returncode, 2, result.stdout)
                self.assertIn(variable, result.stderr)
                self.assertIn(value, result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_a_bad_setting_stops_the_monitor_before_it_starts(self):
        monitor = self.start(RESET_DAY="0")
        self.assertEqual(monitor.process.wait(timeout=10), 2)
        self.assertIn("RESET_DAY", self.output())
        self.assertFalse(os.path.exists(self.data_dir))

    def test_a_bot_token_without_a_chat_is_refused(self):
        result = self.run_command("--check-config", TELEGRAM_BOT_TOKEN="123456789:AAabc")
        self.assertEqual(result.returncode, 2)
        self.assertIn("TELEGRAM_CHAT_ID", result.stderr)
        result = self.run_command("--check-config", TELEGRAM_CHAT_ID="12345")
        self.assertEqual(result.returncode, 2)
        self.assertIn("TELEGRAM_BOT_TOKEN", result.stderr)

    def test_health_follows_the_state_file(self):
        result = self.run_command("health")
        self.assertEqual(result.returncode, 1)
        self.assertIn("not been written yet", result.stdout)
        monitor = self.start()
        self.wait_for(lambda: self.run_command("health").returncode == 0, what="a healthy monitor")
        self.assertEqual(monitor.stop(), 0)
        stale = time.time() - (3 * 1 + 31)
        os.utime(os.path.join(self.data_dir, "state.json"), (stale, stale))
        result = self.run_command("health")
        self.assertEqual(result.returncode, 1)
        self.assertIn("allowed", result.stdout)

    def test_a_second_monitor_on_the_same_data_dir_is_refused(self):
        first = self.start()
        self.wait_for(lambda: self.run_command("health").returncode == 0, what="a running monitor")
        second = self.run_command()
        self.assertEqual(second.returncode, 2, second.stderr)
        self.assertEqual(
            second.stderr,
            f'DATA_DIR="{self.data_dir}" is in use by another running traffic-monitor; '
            "give each one a directory of its own.\n",
        )
        self.assertEqual(first.stop(), 0)
        # The lock goes with the process.
        again = self.start()
        self.wait_for_sample_after(time.time())
        self.assertEqual(again.stop(), 0)

    def test_status_without_state_says_so(self):
        result = self.run_command("status")
        self.assertEqual(result.returncode, 1)
        self.assertIn("state.json", result.stderr)


if __name__ == "__main__":
    run_tests()
