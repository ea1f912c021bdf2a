"""The wall clock jumping while the monitor runs: every reset happens once, none is missed,
and no figure goes negative.

The scheduler reads the wall clock when it wakes: at a cycle boundary, at a report instant,
at least hourly, and when a reading is dated well past the end of the cycle. The test of a
clock moved back places it a few seconds before a boundary, so the scheduler's next wake-up
comes within the test instead of up to an hour later.
"""

import calendar
import signal

from harness import FakeClock, MonitorTestCase, run_tests

DAY = 24 * 3600
JANUARY_1 = calendar.timegm((2026, 1, 1, 0, 0, 0))
FEBRUARY_1 = calendar.timegm((2026, 2, 1, 0, 0, 0))
MARCH_1 = calendar.timegm((2026, 3, 1, 0, 0, 0))
APRIL_1 = calendar.timegm((2026, 4, 1, 0, 0, 0))
MAY_1 = calendar.timegm((2026, 5, 1, 0, 0, 0))


class ClockFaults(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.clock = FakeClock(self.workdir)
        self.proc.set_counters({"eth0": (10**9, 2 * 10**9)})

    def start_at(self, moment, **settings):
        self.clock.set(moment)
        return self.start(TRAFFIC_UNIT="GB", LOG_LEVEL="debug", **self.clock.settings(), **settings)

    def wait_for_baseline(self):
        """The first sample ever only takes the counters as they are; traffic counts after it."""
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the first sample")

    def grow(self, rx, tx):
        (old_rx, old_tx) = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (old_rx + rx, old_tx + tx)})

    def counted(self):
        state = self.state()
        return state["cycle_rx_bytes"], state["cycle_tx_bytes"]

    def wait_until_counted(self, rx, tx):
        self.wait_for(lambda: self.counted() == (rx, tx), what=f"{rx} and {tx} bytes counted")

    def start_and_wait_for_wake_up(self, moment, cycle_start):
        """Starts at `moment` and waits for a scheduler wake-up placing it in the cycle that
        starts on the date `cycle_start`."""
        wake_up = f"[scheduler] cycle {cycle_start}T00:00:00+00:00"
        earlier = self.output().count(wake_up)
        monitor = self.start_at(moment, REPORT_INTERVAL_DAYS="0")
        self.wait_for(
            lambda: self.output().count(wake_up) > earlier, what=f"a wake-up in {cycle_start}"
        )
        return monitor

    def wait_for_notice_of_the_closed_cycle(self):
        """The reset notice, with the traffic every test moves before its first reset."""
        self.wait_for(
            lambda: "Received (rx): 0.45 GB\nSent (tx): 1.23 GB\n" in self.output(),
            what="the reset notice",
        )

    def closed_lines(self):
        return [line for line in self.output().splitlines() if "[accounting] cycle " in line]

    def test_a_month_forward_resets_once_at_the_next_reading(self):
        # Without reports the scheduler sleeps for an hour: the first reading dated in April
        # must wake it.
        monitor = self.start_at(MARCH_1 + 13 * DAY + 12 * 3600, REPORT_INTERVAL_DAYS="0")
        self.wait_for_baseline()
        self.assertEqual(self.state()["cycle"]["start"], MARCH_1)
        self.grow(450_000_000, 1_230_000_000)
        self.wait_until_counted(450_000_000, 1_230_000_000)

        self.clock.set(self.clock.now() + 31 * DAY)
        self.wait_for(
            lambda: self.state()["cycle"] == {"start": APRIL_1, "end": MAY_1},
            what="the April cycle",
        )
        self.assertEqual(self.counted(), (0, 0))
        self.wait_for_notice_of_the_closed_cycle()
        self.assertIn("this notice is late", self.output())

        self.grow(3_000, 4_000)
        self.wait_until_counted(3_000, 4_000)
        self.assertEqual(monitor.stop(), 0)
        closed = self.closed_lines()
        self.assertEqual(len(closed), 1, closed)
        self.assertTrue(
            closed[0].endswith(
                "cycle 2026-03-01T00:00:00+00:00 to 2026-04-01T00:00:00+00:00 closed late"
            ),
            closed,
        )
        self.assertEqual(self.output().count("looking at the clock now"), 1)
        self.assertEqual(self.output().count("Traffic reset"), 1)
        status = self.status(TRAFFIC_UNIT="GB")
        self.assertEqual(status["cycle_start"], "2026-04-01T00:00:00+00:00")
        self.assertEqual((status["rx_bytes"], status["tx_bytes"]), (3_000, 4_000))

    def test_an_hour_back_after_a_reset_neither_reopens_nor_repeats_it(self):
        # 15 s leave even a slow, sanitized start time to count the traffic before midnight.
        monitor = self.start_at(FEBRUARY_1 - 15, REPORT_INTERVAL_DAYS="0")
        self.wait_for_baseline()
        self.assertEqual(self.state()["cycle"]["start"], JANUARY_1)
        self.grow(450_000_000, 1_230_000_000)
        self.wait_until_counted(450_000_000, 1_230_000_000)
        self.wait_for(
            lambda: self.closed_lines(), timeout=30, what="the January cycle closed at midnight"
        )
        closed = self.closed_lines()
        self.assertTrue(
            closed[0].endswith("cycle 2026-01-01T00:00:00+00:00 to 2026-02-01T00:00:00+00:00 closed"),
            closed,
        )
        self.wait_for_notice_of_the_closed_cycle()
        self.assertNotIn("this notice is late", self.output())
        self.grow(100, 200)
        self.wait_until_counted(100, 200)

        # Back to 23:00 on the last day of January: samples now carry earlier times.
        self.clock.set(self.clock.now() - 3600)
        self.grow(10, 20)
        self.wait_for(lambda: self.state()["last_sample_at"] < FEBRUARY_1, what="a sample at 23:00")
        self.wait_until_counted(110, 220)

        # The scheduler slept an hour after the reset and would next read the clock at 00:00
        # again. A restart makes it read the clock now: first an hour back, in January...
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)
        monitor = self.start_and_wait_for_wake_up(self.clock.now(), "2026-01-01")
        self.grow(1, 2)
        self.wait_until_counted(111, 222)
        self.assertEqual(self.state()["cycle"], {"start": FEBRUARY_1, "end": MARCH_1})
        # ...then just before midnight, so its own timer wakes it as the clock crosses the
        # boundary a second time.
        self.assertEqual(monitor.stop(signal.SIGTERM), 0)
        monitor = self.start_and_wait_for_wake_up(FEBRUARY_1 - 4, "2026-02-01")
        self.grow(1_000, 2_000)
        self.wait_until_counted(1_111, 2_222)
        self.assertEqual(monitor.stop(), 0)

        self.assertEqual(len(self.closed_lines()), 1, self.closed_lines())
        self.assertEqual(self.output().count("Traffic reset"), 1)
        status = self.status(TRAFFIC_UNIT="GB")
        self.assertEqual(status["cycle_start"], "2026-02-01T00:00:00+00:00")
        self.assertEqual((status["rx_bytes"], status["tx_bytes"]), (1_111, 2_222))


if __name__ == "__main__":
    run_tests()
