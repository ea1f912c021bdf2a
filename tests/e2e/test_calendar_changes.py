"""What an operator does to the calendar between runs: a new time zone or reset day, a run
with a wrong clock, a stop across one or several resets. Nothing counted is lost, no cycle is
closed by a change of settings, and every notice shows the traffic of the time stopped.

Messages go to the log only (no Telegram settings), so their text is read from the output.
"""

import calendar

from harness import FakeClock, MonitorTestCase, run_tests

GB = 10**9


def utc(*fields):
    return calendar.timegm((*fields, *(0,) * (6 - len(fields))))


class CalendarChanges(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.clock = FakeClock(self.workdir)
        self.proc.set_counters({"eth0": (GB, 2 * GB)})

    def run_at(self, moment, **settings):
        self.clock.set(moment)
        defaults = {
            "TRAFFIC_UNIT": "GB",
            "MONTHLY_TRAFFIC_GB": "1",
            "THRESHOLDS": "80",
            "REPORT_INTERVAL_DAYS": "0",
            "MAX_BANDWIDTH_MBIT": "0",
        }
        return self.start(**self.clock.settings(), **{**defaults, **settings})

    def send(self, tx):
        (rx, old_tx) = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (rx, old_tx + tx)})

    def counted_tx(self):
        return self.state()["cycle_tx_bytes"]

    def first_run(self, moment, tx, **settings):
        """A run that takes the baseline, counts `tx` sent bytes and stops."""
        monitor = self.run_at(moment, **settings)
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        self.send(tx)
        self.wait_for(lambda: self.counted_tx() == tx, what=f"{tx} bytes counted")
        self.assertEqual(monitor.stop(), 0)

    def wait_for_message(self, title, count=1):
        self.wait_for(lambda: self.output().count(title) >= count, what=f"a message {title!r}")

    def messages(self):
        """The text of every message, in the order raised."""
        blocks = self.output().split("(log only):\n")[1:]
        return [block.split("\n20")[0] for block in blocks]

    def test_a_new_time_zone_re_bounds_the_cycle_and_keeps_its_traffic(self):
        self.first_run(utc(2026, 11, 20, 12), int(0.70 * GB))
        monitor = self.run_at(utc(2026, 11, 20, 12, 5), TZ="America/New_York")
        self.wait_for_message("Billing cycle changed")
        new_york_november = {"start": utc(2026, 11, 1, 4), "end": utc(2026, 12, 1, 5)}
        self.wait_for(lambda: self.state()["cycle"] == new_york_november, what="the new bounds")
        self.assertEqual(self.counted_tx(), int(0.70 * GB))
        # The 80 % alert still comes in the re-bounded cycle.
        self.send(int(0.15 * GB))
        self.wait_for_message("Traffic alert: 80% of the quota reached")
        self.assertEqual(monitor.stop(), 0)

        changed = [m for m in self.messages() if "Billing cycle changed" in m]
        self.assertEqual(len(changed), 1, self.messages())
        self.assertTrue(changed[0].startswith("📅 Billing cycle changed\n"), changed[0])
        self.assertIn("Previous cycle: 2026-10-31 20:00 (UTC-04:00) to 2026-11-30 19:00 "
                      "(UTC-05:00)", changed[0])
        self.assertIn("New cycle: 2026-11-01 00:00 (UTC-04:00) to 2026-12-01 00:00 "
                      "(UTC-05:00)", changed[0])
        self.assertIn("Used / quota: 0.70 GB / 1.00 GB", changed[0])
        self.assertNotIn("Traffic reset", self.output())
        self.assertNotIn("closed", self.output())
        self.assertEqual(self.output().count(
            "info  [accounting] billing cycle changed: was 2026-10-31T20:00:00-04:00 to "
            "2026-11-30T19:00:00-05:00, now 2026-11-01T00:00:00-04:00 to "
            "2026-12-01T00:00:00-05:00; the time zone or the reset day changed"), 1)

    def test_a_new_reset_day_re_bounds_the_cycle_either_way(self):
        self.first_run(utc(2026, 1, 20, 12), 300_000_000)
        monitor = self.run_at(utc(2026, 1, 20, 13), RESET_DAY="15")
        self.wait_for(lambda: self.state()["cycle"] == {"start": utc(2026, 1, 15),
                                                        "end": utc(2026, 2, 15)},
                      what="the cycle from the 15th")
        self.send(100_000_000)
        self.wait_for(lambda: self.counted_tx() == 400_000_000, what="the traffic counted on")
        self.assertEqual(monitor.stop(), 0)
        monitor = self.run_at(utc(2026, 1, 20, 14), RESET_DAY="1")
        self.wait_for(lambda: self.state()["cycle"] == {"start": utc(2026, 1, 1),
                                                        "end": utc(2026, 2, 1)},
                      what="the cycle from the 1st again")
        self.wait_for_message("Billing cycle changed", count=2)
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.counted_tx(), 400_000_000)
        self.assertNotIn("Traffic reset", self.output())

    def test_a_run_with_the_clock_in_2030_does_not_strand_the_cycle_there(self):
        daily_at_midnight = {"REPORT_INTERVAL_DAYS": "1", "REPORT_TIME": "00:00"}
        self.first_run(utc(2030, 6, 15, 9), 300_000_000, **daily_at_midnight)
        self.assertEqual(self.state()["cycle"]["start"], utc(2030, 6, 1))
        # The clock is right again 10 s before a daily report instant.
        monitor = self.run_at(utc(2026, 11, 20, 23, 59, 50), **daily_at_midnight)
        self.wait_for(lambda: self.state()["cycle"] == {"start": utc(2026, 11, 1),
                                                        "end": utc(2026, 12, 1)},
                      what="the cycle of the clock")
        self.assertEqual(self.counted_tx(), 300_000_000)
        self.wait_for_message("Traffic report", count=1)
        report = [m for m in self.messages() if "Traffic report" in m]
        self.assertIn("Billing cycle: 2026-11-01 to 2026-11-30", report[0])
        self.send(1_000)
        self.wait_for(lambda: self.counted_tx() == 300_001_000, what="new traffic counted")
        self.assertEqual(monitor.stop(), 0)
        self.assertEqual(self.output().count("made by a wrong clock"), 1)
        self.assertIn("warning [accounting] billing cycle changed: was "
                      "2030-06-01T00:00:00+00:00 to 2030-07-01T00:00:00+00:00", self.output())
        self.assertIn("it was made while the clock was wrong", self.output())

    def test_the_start_up_notice_and_an_owed_report_show_the_traffic_of_the_stop(self):
        self.first_run(utc(2026, 11, 10, 12), 200_000_000, REPORT_INTERVAL_DAYS="5")
        self.send(500_000_000)  # while stopped
        # The report of 16 November 00:00 is owed.
        monitor = self.run_at(utc(2026, 11, 18, 12), REPORT_INTERVAL_DAYS="5")
        self.wait_for_message("Traffic report")
        self.assertEqual(monitor.stop(), 0)
        started = [m for m in self.messages() if "Traffic monitor started" in m]
        report = [m for m in self.messages() if "Traffic report" in m]
        self.assertEqual(len(started), 2)
        self.assertIn("Used / quota: 0.70 GB / 1.00 GB", started[1])
        self.assertIn("Used / quota: 0.70 GB / 1.00 GB", report[0])

    def test_a_stop_across_several_resets_names_the_skipped_cycles_and_the_undated_traffic(self):
        self.first_run(utc(2026, 8, 20, 12), 300_000_000, THRESHOLDS="50")
        self.send(600_000_000)  # while stopped, date unknown
        monitor = self.run_at(utc(2026, 11, 20, 12), THRESHOLDS="50")
        self.wait_for_message("Traffic alert: 50% of the quota reached")
        self.assertEqual(monitor.stop(), 0)
        titles = [m.splitlines()[0] for m in self.messages()]
        self.assertEqual(titles, ["🚀 Traffic monitor started", "🔄 Traffic reset: new billing cycle",
                                  "🚀 Traffic monitor started",
                                  "⚠️ Traffic alert: 50% of the quota reached"])
        reset = self.messages()[1]
        self.assertIn("Closed cycle: 2026-08-01 to 2026-08-31", reset)
        self.assertIn("Used / quota: 0.30 GB / 1.00 GB", reset)
        self.assertIn("Cycles skipped while the monitor was stopped: 2 (2026-09-01 to 2026-10-31)",
                      reset)
        self.assertIn("Traffic of unknown date (while stopped), counted in the new cycle: 0.60 GB",
                      reset)
        self.assertIn("this notice is late", reset)
        self.assertIn("Used / quota: 0.60 GB / 1.00 GB", self.messages()[2])
        self.assertEqual(self.counted_tx(), 600_000_000)


if __name__ == "__main__":
    run_tests()
