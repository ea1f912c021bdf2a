"""A broken /proc/net/dev: each sample is skipped with a warning and adds nothing, and the
counting picks up exactly where it was once the table reads well again."""

import time

from harness import NET_DEV_HEADER, MonitorTestCase, run_tests

LOOPBACK = "    lo:  1000 10 0 0 0 0 0 0  1000 10 0 0 0 0 0 0\n"


def eth0_line(rx, tx):
    return f"  eth0: {rx} 0 0 0 0 0 0 0 {tx} 0 0 0 0 0 0 0\n"


class InputFaults(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.proc.set_counters({"eth0": (3_000_000, 5_000_000)})
        self.monitor = self.start()
        self.wait_for_sample_after(time.time())
        self.proc.set_counters({"eth0": (3_000_100, 5_000_200)})
        self.wait_for(lambda: self.counted() == (100, 200), what="the first traffic counted")

    def counted(self):
        state = self.state()
        return state["cycle_rx_bytes"], state["cycle_tx_bytes"]

    def assert_skipped_then_resumed(self, broken_table, complaint):
        """While `broken_table` is in place, samples are skipped with `complaint`; traffic that
        moved meanwhile is counted once the table is good again."""
        warning = f"warning [sampler] skipping this sample: {self.proc.root}/net/dev: {complaint}"
        self.proc.set_net_dev_text(broken_table)
        self.wait_for(lambda: warning in self.output(), what=f"the warning: {warning}")
        self.assertEqual(self.counted(), (100, 200))
        # Two more skipped samples: the monitor keeps trying, and nothing changes at all.
        before = self.state()
        self.wait_for(lambda: self.output().count(warning) >= 3, what="two more warnings")
        self.assertEqual(self.state(), before)
        self.proc.set_counters({"eth0": (3_000_100 + 7_000, 5_000_200 + 9_000)})
        self.wait_for(lambda: self.counted() == (7_100, 9_200), what="counting resumed")
        self.assertEqual(self.monitor.stop(), 0)
        status = self.status()
        self.assertEqual((status["rx_bytes"], status["tx_bytes"]), (7_100, 9_200))

    def test_empty(self):
        self.assert_skipped_then_resumed("", "the interface table is empty, without even a header")

    def test_truncated_in_the_middle_of_a_line(self):
        # Cut inside the transmit bytes, which then read as 500.
        cut = eth0_line(3_000_900, 5_000_900)[:33]
        self.assert_skipped_then_resumed(
            NET_DEV_HEADER + LOOPBACK + cut,
            'interface "eth0" on line 4 has 9 counter columns instead of 16',
        )

    def test_a_line_with_a_column_missing(self):
        # Without its receive-drop column, the transmit bytes would shift one to the left.
        line = "  eth0: 3000900 0 0 0 0 0 0 5000900 0 0 0 0 0 0 0\n"
        self.assert_skipped_then_resumed(
            NET_DEV_HEADER + LOOPBACK + line,
            'interface "eth0" on line 4 has 15 counter columns instead of 16',
        )

    def test_a_counter_beyond_64_bits(self):
        self.assert_skipped_then_resumed(
            NET_DEV_HEADER + LOOPBACK + eth0_line(2**64, 5_000_900),
            f'interface "eth0" on line 4 has a counter that does not fit in 64 bits: "{2**64}"',
        )

    def test_a_table_cut_after_a_whole_line(self):
        # Well-formed but without eth0: an error names the missing interface, and the sample
        # adds nothing for it. To the monitor eth0 is gone, so when it is back its whole
        # counter is traffic of a re-created interface.
        self.proc.set_net_dev_text(NET_DEV_HEADER + LOOPBACK)
        self.wait_for(
            lambda: "network interface eth0 not found; interfaces present: lo" in self.output(),
            what="the missing interface reported",
        )
        self.wait_for_sample_after(time.time())
        self.assertEqual(self.counted(), (100, 200))
        self.proc.set_counters({"eth0": (3_000_100 + 7_000, 5_000_200 + 9_000)})
        self.wait_for(
            lambda: self.counted() == (100 + 3_007_100, 200 + 5_009_200), what="counting resumed"
        )
        self.assertEqual(self.monitor.stop(), 0)


if __name__ == "__main__":
    run_tests()
