"""The metrics listener of the real binary: Prometheus metrics and the JSON API agree with
`status --json` and `history --json`; a listener others can reach needs a token; an address in
use stops the start; and slow, silent, oversized, garbage and a thousand simultaneous clients
each get an error or a closed connection within 10 s while the monitor keeps counting."""

import json
import os
import resource
import socket
import time
import urllib.error
import urllib.request

from harness import MonitorTestCase, run_tests, sanitized_binary

TOKEN = "e2eMetricsToken-0123456789"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Metrics(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.port = free_port()
        self.proc.set_counters({"eth0": (10**6, 10**6)})

    def settings(self, **more):
        return {
            "METRICS_LISTEN": f"127.0.0.1:{self.port}",
            "TRAFFIC_UNIT": "GB",
            "MONTHLY_TRAFFIC_GB": "0.00001",
            "THRESHOLDS": "80",
            **more,
        }

    def start_monitor(self, **more):
        monitor = self.start(**self.settings(**more))
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        # 401 when a token is required: the listener answers either way.
        self.wait_for(lambda: self.get("/metrics")[0] in (200, 401), what="the listener")
        return monitor

    def get(self, path, method="GET", headers=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, reply.read().decode(), dict(reply.headers.items())
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers.items())
        except OSError:
            return None, "", {}

    def metric_values(self, page):
        values = {}
        for line in page.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        return values

    def exchange(self, data, timeout=12):
        """Sends `data` on a new connection and returns (reply bytes, seconds until closed)."""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as connection:
            if data:
                try:
                    connection.sendall(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            reply = b""
            try:
                while True:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
            except ConnectionResetError:
                pass
        return reply, time.monotonic() - started

    def test_metrics_and_the_api_agree_with_status_and_history(self):
        self.start_monitor()
        rx, tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (rx + 1000, tx + 3000)})
        self.wait_for(lambda: self.status()["tx_bytes"] == 3000, what="the traffic counted")
        # A sample later the figures served are those of the same counters.
        self.wait_for_sample_after(self.state()["last_sample_at"] + 1)
        status, page, headers = self.get("/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        values = self.metric_values(page)
        expected = self.status()
        self.assertEqual(values['traffic_monitor_cycle_bytes{direction="receive"}'], 1000)
        self.assertEqual(values['traffic_monitor_cycle_bytes{direction="transmit"}'], 3000)
        self.assertEqual(values["traffic_monitor_cycle_counted_bytes"], expected["counted_bytes"])
        self.assertEqual(values["traffic_monitor_quota_bytes"], 10000)
        self.assertEqual(values["traffic_monitor_quota_used_ratio"], 0.3)
        self.assertEqual(values["traffic_monitor_notifications_pending"], 0)
        self.assertEqual(values["traffic_monitor_limit_reached"], 0)
        self.assertEqual(values['traffic_monitor_build_info{version="0.1.0"}'], 1)
        self.assertNotIn("traffic_monitor_projected_cycle_bytes", values)
        self.assertGreaterEqual(
            values["traffic_monitor_last_sample_timestamp_seconds"], time.time() - 10
        )
        # The alert at 30 % of 10,000 bytes was not raised; the start-up message was logged.
        self.assertIn("# TYPE traffic_monitor_notifications_sent_total counter", page)

        status, body, headers = self.get("/api/status")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        served = json.loads(body)
        for key in ("counted_bytes", "rx_bytes", "tx_bytes", "quota_bytes", "cycle_start",
                    "cycle_end", "percent", "direction", "interfaces", "unit", "days_left"):
            self.assertEqual(served[key], expected[key], key)
        status, body, _ = self.get("/api/history")
        self.assertEqual(status, 200)
        history = self.run_command("history", "--json", **self.settings())
        self.assertEqual(json.loads(body), json.loads(history.stdout))

        self.assertEqual(self.get("/")[0], 404)
        self.assertEqual(self.get("/api/statuses")[0], 404)
        self.assertEqual(self.get("/metrics", method="POST")[0], 405)
        self.assertEqual(self.get("/api/status", method="DELETE")[0], 405)

    def test_a_listener_others_can_reach_needs_a_token(self):
        open_settings = self.settings(METRICS_LISTEN=f"0.0.0.0:{self.port}")
        refused = self.run_command("--check-config", **open_settings)
        self.assertEqual(refused.returncode, 2)
        self.assertIn(f'METRICS_LISTEN="0.0.0.0:{self.port}" is not a loopback address', refused.stderr)
        self.assertIn("METRICS_TOKEN or METRICS_TOKEN_FILE must be set", refused.stderr)
        monitor = self.start(**open_settings)
        self.assertEqual(monitor.process.wait(timeout=10), 2)
        monitor.kill()

        self.start_monitor(METRICS_LISTEN=f"0.0.0.0:{self.port}", METRICS_TOKEN=TOKEN)
        self.assertEqual(self.get("/metrics")[0], 401)
        status, _, headers = self.get("/api/status", headers={"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Bearer realm="traffic-monitor"')
        authorized = {"Authorization": f"Bearer {TOKEN}"}
        self.assertEqual(self.get("/metrics", headers=authorized)[0], 200)
        self.assertEqual(self.get("/api/status", headers=authorized)[0], 200)
        check = self.run_command("--check-config", METRICS_TOKEN=TOKEN, **self.settings())
        self.assertIn("METRICS_TOKEN=***", check.stdout)
        for text in (self.output(), check.stdout, check.stderr):
            self.assertNotIn(TOKEN, text)

    def test_an_address_in_use_stops_the_start(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", self.port))
            taken.listen()
            monitor = self.start(**self.settings())
            self.assertEqual(monitor.process.wait(timeout=10), 2)
            monitor.kill()
        self.assertIn(f'METRICS_LISTEN="127.0.0.1:{self.port}" cannot be listened on', self.output())

    def test_abusive_clients_are_answered_or_closed_within_10_s_and_counting_goes_on(self):
        monitor = self.start_monitor()
        # Enough descriptors for this test's own thousand connections.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))

        reply, seconds = self.exchange(b"GET /" + b"a" * (1 << 20))
        self.assertTrue(reply.startswith(b"HTTP/1.1 431 "), reply[:100])
        self.assertLess(seconds, 10)
        reply, seconds = self.exchange(b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), reply[:100])
        reply, seconds = self.exchange(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 408 "), reply[:100])
        self.assertLess(seconds, 12)
        reply, seconds = self.exchange(b"")
        self.assertTrue(reply.startswith(b"HTTP/1.1 408 "), reply[:100])

        descriptors_before = len(os.listdir(f"/proc/{monitor.process.pid}/fd"))
        sampled_before = self.state()["last_sample_at"]
        started = time.monotonic()
        crowd = []
        for _ in range(1000):
            connection = socket.socket()
            connection.settimeout(12)
            connection.connect(("127.0.0.1", self.port))
            crowd.append(connection)
        outcomes = {"answered": 0, "closed": 0}
        for connection in crowd:
            try:
                data = connection.recv(64)
                outcomes["answered" if data else "closed"] += 1
            except ConnectionResetError:
                outcomes["closed"] += 1
            finally:
                connection.close()
        self.assertEqual(sum(outcomes.values()), 1000)
        self.assertLess(time.monotonic() - started, 15)

        # The listener still serves, and the monitor kept counting throughout.
        self.assertEqual(self.get("/metrics")[0], 200)
        self.wait_for_sample_after(sampled_before + 2)
        # Every connection was let go: nothing of the crowd is held.
        self.wait_for(
            lambda: len(os.listdir(f"/proc/{monitor.process.pid}/fd")) <= descriptors_before,
            what="the connections' descriptors closed",
        )
        if not sanitized_binary():
            with open(f"/proc/{monitor.process.pid}/status") as status:
                rss_kib = next(
                    int(line.split()[1]) for line in status if line.startswith("VmRSS:")
                )
            self.assertLess(rss_kib, 64 * 1024)
        self.assertIsNone(monitor.process.poll())


if __name__ == "__main__":
    run_tests()
