"""Signals to the real binary: every stop signal stops cleanly with a last sample, from the
first instruction on; SIGHUP reopens the log file, SIGUSR1 logs a status line."""

import os
import signal
import time

from harness import MonitorTestCase, run_tests


class Signals(MonitorTestCase):
    def log_file(self):
        return os.path.join(self.data_dir, "traffic-monitor.log")

    def read(self, path):
        with open(path, errors="replace") as text:
            return text.read()

    def grow(self, rx, tx):
        (old_rx, old_tx) = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (old_rx + rx, old_tx + tx)})

    def test_sighup_reopens_the_log_file_after_it_was_moved(self):
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        self.wait_for(lambda: "starting" in self.read(self.log_file()), what="the start line")
        rotated = self.log_file() + ".1"
        os.rename(self.log_file(), rotated)
        monitor.process.send_signal(signal.SIGHUP)
        self.wait_for(lambda: os.path.exists(self.log_file()), what="a new log file")
        monitor.process.send_signal(signal.SIGUSR1)
        self.wait_for(lambda: "status:" in self.read(self.log_file()),
                      what="later lines in the new log file")
        self.assertNotIn("starting", self.read(self.log_file()))
        self.assertIn("starting", self.read(rotated))
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)

    def test_sigusr1_logs_one_status_line_and_keeps_running(self):
        self.proc.set_counters({"eth0": (0, 0)})
        # 3 GiB within one interval is past the default bandwidth limit.
        monitor = self.start(MAX_BANDWIDTH_MBIT="0")
        self.wait_for_sample_after(time.time())
        self.grow(1_000, 3 * 1024**3)
        self.wait_for_sample_after(time.time())
        monitor.process.send_signal(signal.SIGUSR1)
        self.wait_for(lambda: "status:" in self.output(), what="the status line")
        status_lines = [line for line in self.output().splitlines() if "status:" in line]
        self.assertEqual(len(status_lines), 1, status_lines)
        self.assertIn("3.00 of 1024.00 GiB counted (0.2%)", status_lines[0])
        self.assertIsNone(monitor.process.poll())
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)

    def test_other_terminating_signals_stop_cleanly_with_a_last_sample(self):
        for number, stop in enumerate((signal.SIGQUIT, signal.SIGUSR2, signal.SIGALRM)):
            with self.subTest(signal=stop.name):
                monitor = self.start()
                self.wait_for_sample_after(time.time())
                # Not yet sampled when the signal arrives: the last sample must catch it.
                self.grow(0, 5)
                self.assertEqual(monitor.stop(stop), 0)
                self.assertEqual(self.status()["tx_bytes"], 5 * (number + 1))
                self.assertIn("taking a last sample", self.output())

    def test_sigpipe_is_ignored(self):
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        monitor.process.send_signal(signal.SIGPIPE)
        self.wait_for_sample_after(time.time() + 1)
        self.assertIsNone(monitor.process.poll())
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)

    def wait_until_started(self, monitor):
        """Waits, without pausing, until the program's first instruction has run (it blocks
        the stop signals there). Before it the dynamic loader runs no code of the program,
        so no program can handle a signal there."""
        sigterm_bit = 1 << (signal.SIGTERM - 1)
        status_path = f"/proc/{monitor.process.pid}/status"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open(status_path) as status:
                    fields = dict(line.split(":\t", 1) for line in status.read().splitlines()
                                  if ":\t" in line)
                # Once in sigwait the main thread shows the waited signals unblocked, but
                # by then it has threads.
                if fields["Name"] == "traffic-monitor" and (
                    int(fields["SigBlk"], 16) & sigterm_bit or int(fields["Threads"]) > 1
                ):
                    return
            except (FileNotFoundError, KeyError):
                pass
        self.fail("timed out after 10 s waiting for the monitor's first instruction")

    def test_sigterm_in_the_first_milliseconds_stops_cleanly(self):
        for delay in (0, 0, 0.001, 0.002, 0.005):
            with self.subTest(delay=delay):
                monitor = self.start()
                self.wait_until_started(monitor)
                time.sleep(delay)
                # While it sets itself up: reading settings, spawning actors, a first sample.
                self.assertEqual(monitor.stop(signal.SIGTERM, timeout=10), 0)


if __name__ == "__main__":
    run_tests()
