"""The files for a fleet under deploy/prometheus/ and deploy/grafana/, checked with Debian's
Prometheus server and promtool (unpacked into <build>/tools by dev/fetch-prometheus, which
dev/build runs): promtool accepts the rules, the example configuration and the monitor's real
exposition; the alerts fire when they should; a real Prometheus scrapes the real monitor with
the token from a credentials file and is refused without it; and the dashboard and the rules
name only metrics the monitor exports."""

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import BINARY, FakeClock, MonitorTestCase, run_tests

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(REPO, "deploy", "prometheus", "traffic-monitor.rules.yml")
EXAMPLE_CONFIG = os.path.join(REPO, "deploy", "prometheus", "prometheus.yml")
DASHBOARD = os.path.join(REPO, "deploy", "grafana", "traffic-monitor.json")
# The tools sit in the build tree that runs the tests (ctest names it), by default the binary's.
BUILD = os.environ.get("TMON_BUILD_DIR") or os.path.dirname(
    os.path.realpath(shutil.which(BINARY) or BINARY))
TOOLS = os.path.join(BUILD, "tools", "usr", "bin")

TOKEN = "e2ePrometheusToken-0123456789"
DAY = 24 * 3600
METRIC_NAME = re.compile(r"traffic_monitor_[A-Za-z0-9_:]*")
# The six figures of each server's row: the query without its instance selector, and its unit.
ROW_FIGURES = {
    "traffic_monitor_cycle_counted_bytes": "bytes",
    "traffic_monitor_quota_bytes": "bytes",
    "traffic_monitor_quota_used_ratio": "percentunit",
    "traffic_monitor_projected_cycle_bytes": "bytes",
    "(traffic_monitor_cycle_end_timestamp_seconds-time())/86400": "d",
    "time()-traffic_monitor_last_sample_timestamp_seconds": "s",
}
INSTANCE_SELECTOR = '{instance="$instance"}'


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def die_with_this_process():
    """Run in the child before exec: the kernel kills it if the test itself is killed (by
    ctest's timeout, say), so no Prometheus server outlives the test."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def tool(name):
    path = os.path.join(TOOLS, name)
    if not os.access(path, os.X_OK):
        raise AssertionError(
            f"{path} is missing: run dev/fetch-prometheus {os.path.dirname(os.path.dirname(TOOLS))}"
            " (dev/build runs it) to unpack Debian's prometheus package there"
        )
    return path


def http_get(url, headers=None, timeout=10):
    """(status, body) of a GET; (None, "") when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


def exported_names(page):
    """The metric names an exposition declares in its TYPE lines."""
    return {line.split()[2] for line in page.splitlines() if line.startswith("# TYPE ")}


def dashboard_queries(dashboard):
    """Every query of the dashboard: the panels' exprs and the template variables' queries."""
    queries = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                queries.append(node["expr"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(dashboard.get("panels", []))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        queries.append(query.get("query", "") if isinstance(query, dict) else query)
        queries.append(variable.get("definition", ""))
    return [query for query in queries if query]


def rule_exprs(text):
    """The expr of every rule in a rules file, inline (expr: ...) or as a block (expr: | ...);
    the standard library has no YAML parser, and these two forms are the ones rules use."""
    exprs = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        found = re.match(r"^(\s*)(?:- )?expr:\s*(.*)$", line)
        if not found:
            continue
        indent, value = len(found.group(1)), found.group(2).strip()
        if value[:1] in ("|", ">"):
            block = []
            for following in lines[number + 1:]:
                if following.strip() and len(following) - len(following.lstrip()) <= indent:
                    break
                block.append(following.strip())
            value = " ".join(part for part in block if part)
        exprs.append(value.strip("'\""))
    return exprs


class Prometheus:
    """A Prometheus server on 127.0.0.1 with its own configuration and storage."""

    def __init__(self, binary, workdir, config):
        self.workdir = workdir
        os.makedirs(workdir)
        self.config_path = os.path.join(workdir, "prometheus.yml")
        with open(self.config_path, "w") as out:
            out.write(config)
        self.port = free_port()
        self.log_path = os.path.join(workdir, "prometheus.log")
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={self.config_path}",
                f"--storage.tsdb.path={os.path.join(workdir, 'data')}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            preexec_fn=die_with_this_process,
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def output(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def api(self, path, **parameters):
        """The data of a successful API call, or None while the server does not answer."""
        query = urllib.parse.urlencode(parameters, doseq=True)
        status, body = http_get(f"http://127.0.0.1:{self.port}/api/v1/{path}?{query}")
        if status is None:
            return None
        reply = json.loads(body)
        if reply.get("status") != "success":
            raise AssertionError(f"Prometheus refused {path} {parameters}: {body}")
        return reply["data"]

    def query(self, expr):
        """The series of an instant query; none while the server does not answer."""
        data = self.api("query", query=expr)
        return data["result"] if data else []


class PrometheusFiles(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.promtool = tool("promtool")
        self.prometheus_binary = tool("prometheus")
        self.clock = FakeClock(self.workdir)
        self.port = free_port()
        self.instance = f"127.0.0.1:{self.port}"
        self.proc.set_counters({"eth0": (10**6, 10**6)})

    def settings(self, **more):
        return {
            "METRICS_LISTEN": self.instance,
            "METRICS_TOKEN": TOKEN,
            "TRAFFIC_UNIT": "GB",
            # 6000 bytes: the 6010 counted below are over it, so the quota alerts have
            # something to say.
            "MONTHLY_TRAFFIC_GB": "0.000006",
            "THRESHOLDS": "80",
            "REPORT_INTERVAL_DAYS": "0",
            # A billing cycle that holds the last three days (in UTC, the harness's TZ), which
            # start_monitor_with_a_full_day goes through.
            "RESET_DAY": "1" if time.gmtime().tm_mday >= 4 else "15",
            **self.clock.settings(),
            **more,
        }

    def get(self, path, token=TOKEN):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return http_get(f"http://127.0.0.1:{self.port}{path}", headers)

    def grow(self, rx, tx):
        old_rx, old_tx = self.proc.counters["eth0"]
        self.proc.set_counters({"eth0": (old_rx + rx, old_tx + tx)})
        total = (self.state()["cycle_rx_bytes"] + rx, self.state()["cycle_tx_bytes"] + tx)
        self.wait_for(
            lambda: (self.state()["cycle_rx_bytes"], self.state()["cycle_tx_bytes"]) == total,
            what=f"{total} bytes counted",
        )

    def start_monitor_with_a_full_day(self):
        """A monitor that exports every metric it has, the projection included: that needs
        a full day of data, so it starts with its wall clock (libfaketime) two days back and
        jumps a day at a time to the present, where its samples are as fresh as a real
        monitor's. Returns its exposition once the counters no longer move."""
        two_days_ago = time.time() - 2 * DAY
        self.clock.set(two_days_ago)
        self.start(**self.settings())
        self.wait_for(lambda: self.state()["boot_id"] == self.proc.boot_id, what="the baseline")
        self.clock.set(two_days_ago + DAY)
        self.grow(0, 6000)
        self.clock.set(two_days_ago + 2 * DAY)
        self.grow(0, 10)
        # From here on the counters stay as they are: a sample later, every figure served is
        # final.
        self.wait_for(
            lambda: "\ntraffic_monitor_projected_cycle_bytes " in self.get("/metrics")[1],
            what="the projection in the exposition",
        )
        self.wait_for_sample_after(self.state()["last_sample_at"] + 1)
        status, page = self.get("/metrics")
        self.assertEqual(status, 200)
        return page

    def start_prometheus(self, config):
        prometheus = Prometheus(
            self.prometheus_binary, os.path.join(self.workdir, "prometheus"), config
        )

        def stop():
            prometheus.stop()
            if self._outcome_failed():
                print(f"--- output of Prometheus ({prometheus.log_path}):")
                print(prometheus.output()[-6000:])

        self.addCleanup(stop)
        self.wait_for(
            lambda: http_get(f"http://127.0.0.1:{prometheus.port}/-/ready")[0] == 200,
            timeout=30,
            what="Prometheus to be ready",
        )
        return prometheus

    def promtool_run(self, *args, stdin=None, cwd=None):
        return subprocess.run(
            [self.promtool, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=cwd,
        )

    def assert_promtool_passes(self, *args, **options):
        result = self.promtool_run(*args, **options)
        self.assertEqual(
            result.returncode, 0, f"promtool {' '.join(args)}:\n{result.stdout}{result.stderr}"
        )
        return result

    def test_promtool_accepts_the_rules_and_the_example_configuration(self):
        self.assert_promtool_passes("check", "rules", RULES)

        # The example reads the token from /etc/prometheus/traffic-monitor.token, which
        # promtool requires to exist, and the rules from traffic-monitor.rules.yml in its own
        # directory. So the check runs on the layout the example describes: both files copied
        # into one directory, only the token file's path changed to a file of that directory
        # (and that path must occur exactly once, so nothing else is rewritten).
        layout = os.path.join(self.workdir, "etc-prometheus")
        os.makedirs(layout)
        shutil.copy(RULES, layout)
        token_file = os.path.join(layout, "traffic-monitor.token")
        with open(token_file, "w") as out:
            out.write(TOKEN + "\n")
        with open(EXAMPLE_CONFIG) as example:
            config = example.read()
        self.assertEqual(config.count("credentials_file: /etc/prometheus/traffic-monitor.token"), 1)
        config = config.replace("/etc/prometheus/traffic-monitor.token", token_file)
        with open(os.path.join(layout, "prometheus.yml"), "w") as out:
            out.write(config)
        result = self.assert_promtool_passes("check", "config", "prometheus.yml", cwd=layout)
        # The rules were found and checked along with the configuration.
        self.assertIn("SUCCESS: 6 rules found", result.stdout + result.stderr)

        # And the alerts fire when they should, with what they say, on made-up series.
        rule_tests = os.path.join(self.workdir, "rule-tests.yml")
        with open(rule_tests, "w") as out:
            out.write(RULE_TESTS.replace("RULES_FILE", json.dumps(RULES)))
        self.assert_promtool_passes("test", "rules", rule_tests)

    def test_promtool_accepts_the_exposition(self):
        page = self.start_monitor_with_a_full_day()
        # Every family is in it, the projection included.
        self.assertIn("traffic_monitor_projected_cycle_bytes", exported_names(page))
        # Lint problems make promtool exit with 1 and name them: the exposition has none.
        result = self.promtool_run("check", "metrics", stdin=page)
        self.assertEqual((result.returncode, result.stdout + result.stderr), (0, ""))

    def test_prometheus_scrapes_the_monitor_with_the_token_only(self):
        self.start_monitor_with_a_full_day()
        token_file = os.path.join(self.workdir, "traffic-monitor.token")
        with open(token_file, "w") as out:
            out.write(TOKEN + "\n")
        target = json.dumps(self.instance)
        # The job as the example has it, scraping every second; a second job for the same
        # target without the token; and the alert rules, evaluated every second.
        prometheus = self.start_prometheus(
            "global:\n"
            "  scrape_interval: 1s\n"
            "  scrape_timeout: 1s\n"
            "  evaluation_interval: 1s\n"
            f"rule_files: [{json.dumps(RULES)}]\n"
            "scrape_configs:\n"
            "  - job_name: traffic-monitor\n"
            "    authorization:\n"
            "      type: Bearer\n"
            f"      credentials_file: {json.dumps(token_file)}\n"
            "    static_configs:\n"
            f"      - targets: [{target}]\n"
            "  - job_name: traffic-monitor-without-token\n"
            "    static_configs:\n"
            f"      - targets: [{target}]\n"
        )

        status, body = self.get("/api/status")
        self.assertEqual(status, 200)
        counted = json.loads(body)["counted_bytes"]
        self.assertEqual(counted, 6010)
        self.wait_for(
            lambda: prometheus.query("traffic_monitor_cycle_counted_bytes"),
            timeout=30,
            what="Prometheus to have scraped the monitor",
        )
        [series] = prometheus.query("traffic_monitor_cycle_counted_bytes")
        self.assertEqual(series["metric"]["instance"], self.instance)
        self.assertEqual(series["metric"]["job"], "traffic-monitor")
        self.assertEqual(float(series["value"][1]), counted)
        # The counters did not move between the two reads.
        self.assertEqual(json.loads(self.get("/api/status")[1])["counted_bytes"], counted)

        # Without the token the monitor refuses the scrape.
        self.wait_for(
            lambda: prometheus.query('up{job="traffic-monitor-without-token"}'),
            timeout=30,
            what="the scrape without the token",
        )
        [refused] = prometheus.query('up{job="traffic-monitor-without-token"}')
        self.assertEqual(refused["value"][1], "0")
        [accepted] = prometheus.query('up{job="traffic-monitor"}')
        self.assertEqual(accepted["value"][1], "1")
        [without_token] = [
            target
            for target in prometheus.api("targets", state="active")["activeTargets"]
            if target["labels"]["job"] == "traffic-monitor-without-token"
        ]
        self.assertIn("401", without_token["lastError"])

        # Every rule evaluates without an error, and the two quota alerts, whose conditions
        # hold (6010 bytes of a 6000-byte quota), wait out their "for" as pending.
        def rules_evaluated():
            rules = [
                rule
                for group in prometheus.api("rules")["groups"]
                for rule in group["rules"]
            ]
            errors = [(rule["name"], rule.get("lastError")) for rule in rules
                      if rule["health"] == "err"]
            self.assertEqual(errors, [])
            return len(rules) == 6 and all(rule["health"] == "ok" for rule in rules)

        self.wait_for(rules_evaluated, timeout=30, what="the rules evaluated")
        alerts = {}

        def quota_alerts_pending():
            for alert in prometheus.api("alerts")["alerts"]:
                alerts[alert["labels"]["alertname"]] = alert
            return {"TrafficQuotaAlmostUsed", "TrafficQuotaProjectedOverrun"} <= alerts.keys()

        self.wait_for(quota_alerts_pending, timeout=30, what="the quota alerts")
        self.assertEqual(
            sorted(alerts), ["TrafficQuotaAlmostUsed", "TrafficQuotaProjectedOverrun"]
        )
        used = alerts["TrafficQuotaAlmostUsed"]
        self.assertEqual(used["state"], "pending")
        self.assertEqual(used["labels"]["instance"], self.instance)
        self.assertEqual(used["labels"]["severity"], "warning")
        self.assertEqual(
            used["annotations"]["summary"],
            f"{self.instance} has used {counted / 6000 * 100:.4g}% of its traffic quota",
        )
        overrun = alerts["TrafficQuotaProjectedOverrun"]
        self.assertEqual(overrun["state"], "pending")
        self.assertEqual(
            overrun["annotations"]["summary"],
            f"{self.instance} is projected to exceed its traffic quota",
        )

        # Grafana lists the servers with the instance variable's label_values(...) query, and
        # every panel's query, for this server, gives a figure.
        with open(DASHBOARD) as dashboard_file:
            dashboard = json.load(dashboard_file)
        instances = prometheus.api(
            "label/instance/values", **{"match[]": "traffic_monitor_quota_bytes"}
        )
        self.assertEqual(instances, [self.instance])
        exprs = [query for query in dashboard_queries(dashboard)
                 if not query.startswith("label_values(")]
        self.assertGreaterEqual(len(exprs), 6)
        for expr in exprs:
            answer = prometheus.query(expr.replace("$instance", self.instance))
            self.assertEqual(len(answer), 1, f"{expr}: {answer}")

    def test_the_dashboard_names_only_exported_metrics(self):
        # The monitor is made to export every family it has, the projection included (which
        # needs a full day of data); a name the dashboard has and the exposition lacks is a
        # misspelling, or a metric the monitor does not export.
        exported = exported_names(self.start_monitor_with_a_full_day())
        self.assertIn("traffic_monitor_projected_cycle_bytes", exported)
        with open(DASHBOARD) as dashboard_file:
            text = dashboard_file.read()
        dashboard = json.loads(text)
        queries = dashboard_queries(dashboard)
        named = {name for query in queries for name in METRIC_NAME.findall(query)}
        self.assertGreaterEqual(len(named), 6)
        # Descriptions name metrics too: those must exist as well.
        self.assertEqual(set(METRIC_NAME.findall(text)) - exported, set())
        self.assertEqual(named - exported, set())

        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        self.assertIn("label_values(traffic_monitor_quota_bytes, instance)",
                      dashboard_queries({"templating": {"list": [variables["instance"]]}}))
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")

        # One row per server: a row repeated over $instance, holding the six figures, each
        # for that row's server.
        panels = dashboard["panels"]
        [row_index] = [i for i, p in enumerate(panels) if p["type"] == "row"]
        row = panels[row_index]
        self.assertEqual(row.get("repeat"), "instance")
        in_row = row["panels"] if row.get("collapsed") else panels[row_index + 1:]
        self.assertEqual(panels[:row_index], [])
        figures = {}
        for panel in in_row:
            for target in panel.get("targets", []):
                self.assertIn(INSTANCE_SELECTOR, target["expr"], panel["title"])
                self.assertEqual(panel["datasource"]["uid"], "${datasource}")
                query = re.sub(r"\s+", "", target["expr"].replace(INSTANCE_SELECTOR, ""))
                figures.setdefault(query, panel["fieldConfig"]["defaults"].get("unit"))
        for query, unit in ROW_FIGURES.items():
            self.assertIn(query, figures, "a panel of the row")
            self.assertEqual(figures[query], unit, query)

    def test_the_alert_rules_name_only_exported_metrics(self):
        exported = exported_names(self.start_monitor_with_a_full_day())
        with open(RULES) as rules_file:
            text = rules_file.read()
        exprs = rule_exprs(text)
        self.assertEqual(len(exprs), text.count("- alert: "))
        named = {name for expr in exprs for name in METRIC_NAME.findall(expr)}
        self.assertEqual(
            named,
            {
                "traffic_monitor_quota_used_ratio",
                "traffic_monitor_projected_cycle_bytes",
                "traffic_monitor_quota_bytes",
                "traffic_monitor_last_sample_timestamp_seconds",
                "traffic_monitor_notifications_pending",
            },
        )
        self.assertEqual(named - exported, set())
        # The annotations and comments too.
        self.assertEqual(set(METRIC_NAME.findall(text)) - exported, set())


# promtool's unit tests of the alert rules: series every minute for four made-up servers, and
# the alerts that must be firing (only firing ones are listed) at the given times.
RULE_TESTS = """\
rule_files: [RULES_FILE]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'traffic_monitor_quota_used_ratio{job="traffic-monitor", instance="a:9841"}'
        values: '0.5 0.95x20'
      - series: 'traffic_monitor_projected_cycle_bytes{job="traffic-monitor", instance="a:9841"}'
        values: '900 1100x100'
      - series: 'traffic_monitor_quota_bytes{job="traffic-monitor", instance="a:9841"}'
        values: '1000x101'
      - series: 'traffic_monitor_last_sample_timestamp_seconds{job="traffic-monitor", instance="a:9841"}'
        values: '0+60x10 600x30'
      - series: 'traffic_monitor_notifications_pending{job="traffic-monitor", instance="a:9841"}'
        values: '0 2x80'
      - series: 'up{job="traffic-monitor", instance="b:9841"}'
        values: '1 1 0x20'
      - series: 'up{job="traffic-monitor", instance="c:9841"}'
        values: '1x20'
    alert_rule_test:
      - eval_time: 5m
        alertname: TrafficQuotaAlmostUsed
        exp_alerts: []
      - eval_time: 10m
        alertname: TrafficQuotaAlmostUsed
        exp_alerts:
          - exp_labels: {severity: warning, job: traffic-monitor, instance: "a:9841"}
            exp_annotations:
              summary: "a:9841 has used 95% of its traffic quota"
              description: "a:9841 has counted 95% of the quota of its billing cycle (traffic_monitor_quota_used_ratio)."
      - eval_time: 60m
        alertname: TrafficQuotaProjectedOverrun
        exp_alerts: []
      - eval_time: 62m
        alertname: TrafficQuotaProjectedOverrun
        exp_alerts:
          - exp_labels: {severity: warning, job: traffic-monitor, instance: "a:9841"}
            exp_annotations:
              summary: "a:9841 is projected to exceed its traffic quota"
              description: "At its recent daily average a:9841 will have counted 1.074kiB by the end of its billing cycle, more than its quota (traffic_monitor_projected_cycle_bytes > traffic_monitor_quota_bytes)."
      - eval_time: 15m
        alertname: TrafficMonitorNoRecentSample
        exp_alerts: []
      - eval_time: 25m
        alertname: TrafficMonitorNoRecentSample
        exp_alerts:
          - exp_labels: {severity: critical, job: traffic-monitor, instance: "a:9841"}
            exp_annotations:
              summary: "a:9841 has not read its traffic counters for 15m 0s"
              description: "The last sample of a:9841 was taken 15m 0s ago; traffic is not being counted. See its log (docker logs traffic-monitor)."
      - eval_time: 11m
        alertname: TrafficMonitorDown
        exp_alerts: []
      - eval_time: 13m
        alertname: TrafficMonitorDown
        exp_alerts:
          - exp_labels: {severity: critical, job: traffic-monitor, instance: "b:9841"}
            exp_annotations:
              summary: "b:9841 cannot be scraped"
              description: "Prometheus has not scraped traffic-monitor on b:9841 for 10 minutes (down, unreachable, or a METRICS_TOKEN other than the one in the credentials file)."
      - eval_time: 9m
        alertname: TrafficMonitorNoFigures
        exp_alerts: []
      - eval_time: 11m
        alertname: TrafficMonitorNoFigures
        exp_alerts:
          - exp_labels: {severity: critical, job: traffic-monitor, instance: "c:9841"}
            exp_annotations:
              summary: "c:9841 exports no traffic figures"
              description: "traffic-monitor on c:9841 answers scrapes but has had no sample to export for 10 minutes. See its log (docker logs traffic-monitor)."
      - eval_time: 60m
        alertname: TrafficNotificationsPending
        exp_alerts: []
      - eval_time: 62m
        alertname: TrafficNotificationsPending
        exp_alerts:
          - exp_labels: {severity: warning, job: traffic-monitor, instance: "a:9841"}
            exp_annotations:
              summary: "a:9841 has 2 notifications waiting for an hour"
              description: "2 messages of a:9841 have not been delivered for an hour or more; its log names the target that fails."
"""


if __name__ == "__main__":
    run_tests()
