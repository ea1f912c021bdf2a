"""Helpers for end-to-end tests of the real traffic-monitor binary.

A fake proc tree stands in for /proc (HOST_PROC) and a temporary directory for DATA_DIR; the
fake Telegram Bot API server is in fake_telegram.py. Standard library only.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

BINARY = os.environ.get("TRAFFIC_MONITOR_BIN", "traffic-monitor")


def sanitized_binary():
    """Whether the binary carries a sanitizer's runtime, whose shadow memory and quarantine
    make its resident memory say nothing about the monitor's own."""
    path = shutil.which(BINARY) or BINARY
    with open(path, "rb") as binary:
        contents = binary.read()
    return b"__asan_init" in contents or b"__tsan_init" in contents
# Libraries the fault tests load into the binary: the storage-fault shim built next to the
# tests, and Debian's libfaketime.
FAULT_SHIM_LIBRARY = os.environ.get("FAULT_SHIM_LIBRARY", "")
FAKETIME_LIBRARY = os.environ.get("FAKETIME_LIBRARY", "")

NET_DEV_HEADER = (
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
)


class FakeProc:
    """A proc tree whose counters, boot id and uptime the test sets."""

    def __init__(self, root):
        self.root = root
        self.boot_id = "0e4f8a52-8c1d-4d7e-9f3b-6a2c5b1d7e90"
        self.counters = {}
        os.makedirs(os.path.join(root, "net"), exist_ok=True)
        os.makedirs(os.path.join(root, "sys/kernel/random"), exist_ok=True)
        with open(os.path.join(root, "net/route"), "w") as route:
            route.write(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
            )
        self.set_boot_id(self.boot_id)
        self.set_uptime(86400)
        self.set_counters({"eth0": (0, 0)})

    def _replace(self, relative, text):
        # Written to a temporary name and renamed, as the kernel's view never shows a
        # half-written table.
        path = os.path.join(self.root, relative)
        with open(path + ".tmp", "w") as out:
            out.write(text)
        os.replace(path + ".tmp", path)

    def set_counters(self, counters):
        self.counters = dict(counters)
        lines = ["    lo:  1000 10 0 0 0 0 0 0  1000 10 0 0 0 0 0 0\n"]
        for name, (rx, tx) in self.counters.items():
            lines.append(f"  {name}: {rx} 0 0 0 0 0 0 0 {tx} 0 0 0 0 0 0 0\n")
        self._replace("net/dev", NET_DEV_HEADER + "".join(lines))

    def set_net_dev_text(self, text):
        """Replaces the interface table with `text`, well-formed or not."""
        self._replace("net/dev", text)

    def set_boot_id(self, boot_id):
        self.boot_id = boot_id
        self._replace("sys/kernel/random/boot_id", boot_id + "\n")

    def set_uptime(self, seconds):
        """Seconds since boot, as /proc/uptime shows them (with the idle time after it)."""
        self._replace("uptime", f"{seconds:.2f} {seconds * 1.5:.2f}\n")


def preloading(library):
    """Settings that load `library` into the binary ahead of every other library."""
    if not os.path.isfile(library):
        raise AssertionError(
            f"the library to preload is missing ({library!r}); run the tests through ctest, "
            "after dev/install-deps"
        )
    # AddressSanitizer refuses to start when its runtime is not the first library loaded.
    asan_options = [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"]
    return {"LD_PRELOAD": library, "ASAN_OPTIONS": ":".join(filter(None, asan_options))}


class FaultShim:
    """Storage faults under one directory, injected into the binary by the shim library.

    `settings()` loads the shim; `begin(mode)` turns a fault on for every run that loaded it
    ("read-only", "full" or "slow", as fault_shim.c describes), `end()` turns it off.
    """

    def __init__(self, workdir, faulty_dir):
        # The shim compares paths as the kernel resolves them.
        self.faulty_dir = os.path.realpath(faulty_dir)
        self.control = os.path.join(workdir, "fault-control")
        self.log = os.path.join(workdir, "faults-injected")

    def settings(self):
        return {
            **preloading(FAULT_SHIM_LIBRARY),
            "FAULT_SHIM_DIR": self.faulty_dir,
            "FAULT_SHIM_CONTROL": self.control,
            "FAULT_SHIM_LOG": self.log,
        }

    def begin(self, mode):
        with open(self.control + ".tmp", "w") as control:
            control.write(mode)
        os.replace(self.control + ".tmp", self.control)

    def end(self):
        os.remove(self.control)

    def injected(self, call, path):
        """How many times `call` on `path` was made to fail so far."""
        try:
            with open(self.log) as log:
                return log.read().splitlines().count(f"{call} {path}")
        except FileNotFoundError:
            return 0


class FakeClock:
    """A wall clock for the binary, through libfaketime, that the test moves while it runs.

    Only the wall clock is faked: the monotonic clock behind CAF's timers stays real, so the
    sampler keeps its pace and the scheduler sleeps as long as it computed.
    """

    def __init__(self, workdir):
        self.path = os.path.join(workdir, "faketime")
        self.offset = 0

    def settings(self):
        return {
            **preloading(FAKETIME_LIBRARY),
            "FAKETIME_TIMESTAMP_FILE": self.path,
            # Read the file at every clock call, so a change shows at once.
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }

    def set(self, moment):
        """From now on the binary's clock reads `moment` (epoch seconds) and runs on from it."""
        self.offset = round(moment - time.time())
        with open(self.path + ".tmp", "w") as offset_file:
            offset_file.write(f"{self.offset:+d}\n")
        os.replace(self.path + ".tmp", self.path)

    def now(self):
        return time.time() + self.offset


class Monitor:
    """One run of the binary with its own environment; its output goes to a file."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [BINARY], env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )

    def stop(self, sig=signal.SIGTERM, timeout=5):
        """Sends `sig` and returns the exit status; fails if it takes longer than `timeout`."""
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.log.close()

    def kill(self):
        self.process.kill()
        self.process.wait()
        self.log.close()


class MonitorTestCase(unittest.TestCase):
    """A fresh proc tree and data directory per test, and ways to run the binary on them."""

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="tmon-e2e-")
        self.proc = FakeProc(os.path.join(self.workdir, "proc"))
        self.data_dir = os.path.join(self.workdir, "data")
        self.log_path = os.path.join(self.workdir, "output.log")
        self.monitors = []
        # A cleanup rather than tearDown: it also runs when a subclass's setUp fails midway.
        self.addCleanup(self.stop_monitors_and_remove_workdir)

    def stop_monitors_and_remove_workdir(self):
        for monitor in self.monitors:
            if monitor.process.poll() is None:
                monitor.kill()
        if self._outcome_failed():
            print(f"--- output of the monitor ({self.log_path}):")
            print(self.output()[-6000:])
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _outcome_failed(self):
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.failures + result.errors)

    def environment(self, **overrides):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TZ": "UTC",
            "HOST_PROC": self.proc.root,
            "DATA_DIR": self.data_dir,
            "CHECK_INTERVAL_SECONDS": "1",
            "MESSAGE_LANG": "en",
            "SERVER_NAME": "e2e-host",
            "PUBLIC_IP": "203.0.113.7",
        }
        env.update(overrides)
        return {key: str(value) for key, value in env.items() if value is not None}

    def start(self, **overrides):
        monitor = Monitor(self.environment(**overrides), self.log_path)
        self.monitors.append(monitor)
        return monitor

    def run_command(self, *args, **overrides):
        return subprocess.run(
            [BINARY, *args],
            env=self.environment(**overrides),
            capture_output=True,
            text=True,
            timeout=30,
        )

    def status(self, **overrides):
        result = self.run_command("status", "--json", **overrides)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def state(self):
        with open(os.path.join(self.data_dir, "state.json")) as state_file:
            return json.load(state_file)

    def output(self):
        try:
            with open(self.log_path, errors="replace") as log:
                return log.read()
        except FileNotFoundError:
            return ""

    def wait_for(self, condition, timeout=15, what="the condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except (FileNotFoundError, json.JSONDecodeError, KeyError):
                pass
            time.sleep(0.05)
        self.fail(f"timed out after {timeout} s waiting for {what}")

    def wait_for_sample_after(self, moment, timeout=15):
        """Waits until the state records a sample taken at or after `moment` (epoch seconds)."""
        self.wait_for(
            lambda: self.state()["last_sample_at"] >= moment,
            timeout,
            f"a sample taken at or after {moment}",
        )


def run_tests():
    unittest.main(verbosity=2)
