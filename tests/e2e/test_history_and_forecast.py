"""Daily history and the forecast alert by the real binary, on a wall clock moved a day at a
time with libfaketime, and messages delivered to a fake Telegram server on 127.0.0.1."""

import calendar
import json
import time

from fake_telegram import FakeTelegram
from harness import FakeClock, MonitorTestCase, run_tests

DAY = 24 * 3600
# 12:00 in Shanghai on 10 November 2026.
NOVEMBER_10_NOON_SHANGHAI = calendar.timegm((2026, 11, 10, 4, 0, 0))
NOVEMBER_10_NOON_UTC = calendar.timegm((2026, 11, 10, 12, 0, 0))
TOKEN = "123456789:AAE_e2eSecretPart-xyz0123456789"


class HistoryAndForecast(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.clock = FakeClock(self.workdir)
        self.telegram = FakeTelegram()
        self.addCleanup(self.telegram.close)
        self.proc.set_counters({"eth0": (10**6, 10**6)})

    def settings(self, **overrides):
        return {
            "TRAFFIC_UNIT": "GB",
            "REPORT_INTERVAL_DAYS": "0",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_CHAT_ID": "-100123",
            "TELEGRAM_API_BASE": self.telegram.base_url,
            **self.clock.settings(),
            **overrides,
        }

    def start_at(self, moment, **overrides):
        self.clock.set(moment)
        monitor = self.start(**self.settings(**overrides))
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        return monitor

    def command(self, *args, **overrides):
        return self.run_command(*args, **self.settings(**overrides))

    def grow(self, rx, tx):
        old_rx, old_tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (old_rx + rx, old_tx + tx)})
        total_rx, total_tx = self.state()["cycle_rx_bytes"] + rx, self.state()["cycle_tx_bytes"] + tx
        self.wait_for(
            lambda: (self.state()["cycle_rx_bytes"], self.state()["cycle_tx_bytes"])
            == (total_rx, total_tx),
            what=f"{total_rx} and {total_tx} bytes counted",
        )

    def forecasts(self):
        return [text for text in self.telegram.texts() if "Traffic forecast" in text]

    def test_history_lists_the_local_days_of_the_cycle(self):
        zone = {"TZ": "Asia/Shanghai"}
        self.start_at(NOVEMBER_10_NOON_SHANGHAI, **zone)
        self.grow(100, 1000)
        self.clock.set(NOVEMBER_10_NOON_SHANGHAI + DAY)
        self.grow(200, 2000)
        self.clock.set(NOVEMBER_10_NOON_SHANGHAI + 2 * DAY)
        self.grow(300, 3000)

        result = self.command("history", "--json", **zone)
        self.assertEqual(result.returncode, 0, result.stderr)
        history = json.loads(result.stdout)
        self.assertEqual(
            history["days"],
            [
                {"date": "2026-11-10", "rx_bytes": 100, "tx_bytes": 1000, "counted_bytes": 1000},
                {"date": "2026-11-11", "rx_bytes": 200, "tx_bytes": 2000, "counted_bytes": 2000},
                {"date": "2026-11-12", "rx_bytes": 300, "tx_bytes": 3000, "counted_bytes": 3000},
            ],
        )
        self.assertEqual(history["cycle_start"], "2026-11-01T00:00:00+08:00")
        self.assertEqual(history["cycle_end"], "2026-12-01T00:00:00+08:00")

        table = self.command("history", **zone)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("2026-11-11", table.stdout)
        self.assertRegex(table.stdout, r"\ntotal +0\.00 GB +0\.00 GB +0\.00 GB\n")

        # The first day was seen from noon only: the 11th is the one full day.
        status = json.loads(self.command("status", "--json", **zone).stdout)
        self.assertEqual(status["daily_average_bytes"], 2000)
        # 2000 a day for the 18.5 days left at noon, less what the test's own seconds took.
        self.assertLessEqual(status["projected_bytes"], 6000 + 2000 * 37 // 2)
        self.assertGreaterEqual(status["projected_bytes"], 6000 + 2000 * 37 // 2 - 2)
        self.assertEqual(status["days_left"], 19)

        previous = self.command("history", "--previous", **zone)
        self.assertEqual(previous.returncode, 1)
        self.assertIn("no closed cycle", previous.stderr)

    def test_the_forecast_alert_arrives_once(self):
        quota = {"MONTHLY_TRAFFIC_GB": "0.0001", "THRESHOLDS": "90"}
        monitor = self.start_at(NOVEMBER_10_NOON_UTC, **quota)
        self.clock.set(NOVEMBER_10_NOON_UTC + DAY)
        self.grow(0, 6000)
        time.sleep(2)
        self.assertEqual(self.forecasts(), [], "less than a full day of data")

        # One full day at 6000 bytes: 6010 + 6000 * 18.5 days exceeds the 100,000.
        self.clock.set(NOVEMBER_10_NOON_UTC + 2 * DAY)
        self.grow(0, 10)
        self.wait_for(lambda: self.forecasts(), what="the forecast alert")
        [forecast] = self.forecasts()
        self.assertTrue(forecast.startswith("📈 Traffic forecast"), forecast)
        self.assertIn("Projected at cycle end: 0.00 GB (117.0% of the quota); at this pace the "
                      "quota runs out on 2026-11-28", forecast)
        self.assertIn("Host: e2e-host", forecast)
        self.assertIn("Public IPv4: 203.0.113.7", forecast)

        self.grow(0, 10)
        self.assertEqual(monitor.stop(), 0)
        self.start(**self.settings(**quota))
        self.wait_for(
            lambda: sum("Traffic monitor started" in t for t in self.telegram.texts()) == 2,
            what="the second start-up notice",
        )
        self.grow(0, 10)
        time.sleep(2)
        self.assertEqual(len(self.forecasts()), 1)
        self.assertTrue(self.state()["forecast_alerted"])

    def test_no_forecast_alert_when_it_is_off(self):
        quota = {"MONTHLY_TRAFFIC_GB": "0.0001", "THRESHOLDS": "90", "FORECAST_ALERT": "off"}
        self.start_at(NOVEMBER_10_NOON_UTC, **quota)
        self.clock.set(NOVEMBER_10_NOON_UTC + DAY)
        self.grow(0, 6000)
        self.clock.set(NOVEMBER_10_NOON_UTC + 2 * DAY)
        self.grow(0, 10)
        time.sleep(2)
        self.assertEqual(self.forecasts(), [])
        self.assertFalse(self.state()["forecast_alerted"])


if __name__ == "__main__":
    run_tests()
