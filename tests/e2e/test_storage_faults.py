"""DATA_DIR read-only, full or removed while the monitor runs: it says so once, keeps
counting in memory, leaves the last good state file alone, and writes again once it can."""

import glob
import os
import shutil
import signal
import time

from harness import FaultShim, MonitorTestCase, run_tests

RETRIED = "; counting goes on in memory and the write is retried"


class StorageFaults(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.data_dir = os.path.realpath(self.data_dir)
        self.state_path = os.path.join(self.data_dir, "state.json")
        self.shim = FaultShim(self.workdir, self.data_dir)
        self.moved_rx = self.moved_tx = 0
        self.proc.set_counters({"eth0": (40_000, 80_000)})

    def grow(self, rx, tx):
        (old_rx, old_tx) = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (old_rx + rx, old_tx + tx)})
        self.moved_rx += rx
        self.moved_tx += tx

    def state_bytes(self):
        with open(self.state_path, "rb") as state_file:
            return state_file.read()

    def holds_everything_moved(self):
        state = self.state()
        return (state["cycle_rx_bytes"], state["cycle_tx_bytes"]) == (self.moved_rx, self.moved_tx)

    def start_with_a_good_state(self):
        """Runs with the shim loaded until a state with some counted traffic is on disk."""
        monitor = self.start(**self.shim.settings())
        self.wait_for_sample_after(time.time())
        self.grow(1_000, 2_000)
        self.wait_for(self.holds_everything_moved, what="the first traffic on disk")
        return monitor

    def count_while_failing(self, monitor, mode, failing_call, error_text):
        """Turns the fault on and moves traffic three times; each change is tried and fails.

        Returns the bytes of the last state file written before the fault."""
        temporary = f"{self.state_path}.tmp"
        self.shim.begin(mode)
        # A save under way when the fault began may still succeed; none after this one can.
        self.wait_for(lambda: self.shim.injected(failing_call, temporary) > 0, what="a failed save")
        good = self.state_bytes()
        for step in range(3):
            failures = self.shim.injected(failing_call, temporary)
            self.grow(10**6 + step, 3 * 10**6 + step)
            self.wait_for(
                lambda: self.shim.injected(failing_call, temporary) > failures,
                what=f"another try to write the state ({failing_call} failing)",
            )
            self.assertEqual(self.state_bytes(), good)
        error = f"cannot {error_text.format(path=temporary)}{RETRIED}"
        self.assertEqual(self.output().count(error), 1, error)
        self.assertIsNone(monitor.process.poll())
        return good

    def assert_writes_again_and_counts_exactly(self, monitor):
        self.shim.end()
        self.wait_for(self.holds_everything_moved, what="the state written again")
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.output().count("the state file is written again"), 1)
        status = self.status()
        self.assertEqual((status["rx_bytes"], status["tx_bytes"]), (self.moved_rx, self.moved_tx))
        self.assertEqual(glob.glob(self.state_path + ".*"), [])

    def test_read_only(self):
        monitor = self.start_with_a_good_state()
        self.count_while_failing(
            monitor, "read-only", "open", "create {path}: Read-only file system"
        )
        self.assert_writes_again_and_counts_exactly(monitor)

    def test_full(self):
        # The first write of each try stores part of the state, the next one fails: the
        # half-written temporary file must never replace the state file.
        monitor = self.start_with_a_good_state()
        self.count_while_failing(monitor, "full", "write", "write {path}: No space left on device")
        self.assert_writes_again_and_counts_exactly(monitor)

    def test_stopped_while_read_only_then_the_next_start_counts_what_was_not_saved(self):
        monitor = self.start_with_a_good_state()
        good = self.count_while_failing(
            monitor, "read-only", "open", "create {path}: Read-only file system"
        )
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)
        self.assertIn("the last sample could not be saved", self.output())
        self.assertEqual(self.state_bytes(), good)
        # The state on disk still holds the counters of its own sample, so the next start
        # counts everything since then, within the same boot.
        self.shim.end()
        monitor = self.start()
        self.wait_for(self.holds_everything_moved, what="the traffic of the fault counted")
        self.assertEqual(monitor.stop(), 0)
        status = self.status()
        self.assertEqual((status["rx_bytes"], status["tx_bytes"]), (self.moved_rx, self.moved_tx))

    def test_removed_and_created_again(self):
        monitor = self.start()
        self.wait_for_sample_after(time.time())
        self.grow(5_000, 6_000)
        self.wait_for(self.holds_everything_moved, what="the first traffic on disk")
        shutil.rmtree(self.data_dir)
        self.grow(700_000, 900_000)
        error = (
            f"cannot create {self.state_path}.tmp: "
            f"No such file or directory{RETRIED}"
        )
        self.wait_for(lambda: error in self.output(), what="the error about the missing directory")
        self.grow(11, 13)
        os.mkdir(self.data_dir)
        self.wait_for(self.holds_everything_moved, what="the state written in the new directory")
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.output().count(error), 1)
        self.assertEqual(self.output().count("the state file is written again"), 1)
        status = self.status()
        self.assertEqual((status["rx_bytes"], status["tx_bytes"]), (self.moved_rx, self.moved_tx))


if __name__ == "__main__":
    run_tests()
