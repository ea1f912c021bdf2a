"""SIGKILL storms: whenever the monitor dies, its state file stays whole and, once it runs
again, every byte the counters moved is counted exactly once."""

import glob
import os
import random
import time
import uuid

from harness import FaultShim, MonitorTestCase, run_tests

INTERFACES = "eth0,eth1"


class KillStorm(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.moved_rx = self.moved_tx = 0
        self.proc.set_counters({"eth0": (7_000_000, 3_000_000), "eth1": (0, 0)})

    def grow(self, rng, largest):
        counters = {}
        for name, (rx, tx) in self.proc.counters.items():
            more_rx, more_tx = rng.randint(0, largest), rng.randint(0, largest)
            self.moved_rx += more_rx
            self.moved_tx += more_tx
            counters[name] = (rx + more_rx, tx + more_tx)
        self.proc.set_counters(counters)

    def reboot(self, rng):
        """A new boot: the counters start again from zero and hold only this boot's traffic,
        which may be more than the old boot's counters showed."""
        self.proc.set_boot_id(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        counters = {}
        for name, (rx, tx) in self.proc.counters.items():
            counters[name] = (rng.randint(0, 2 * rx), rng.randint(0, 2 * tx))
            self.moved_rx += counters[name][0]
            self.moved_tx += counters[name][1]
        self.proc.set_counters(counters)

    def has_sampled_current_counters(self):
        state = self.state()
        recorded = {
            name: (reading["rx_bytes"], reading["tx_bytes"])
            for name, reading in state["last_counters"].items()
        }
        return state["boot_id"] == self.proc.boot_id and recorded == self.proc.counters

    def assert_state_is_whole_and_not_ahead(self):
        """The file parses, and it never holds more than the counters moved."""
        state = self.state()
        self.assertLessEqual(state["cycle_rx_bytes"], self.moved_rx)
        self.assertLessEqual(state["cycle_tx_bytes"], self.moved_tx)

    def storm(self, seed, kills, reboot_chance, **settings):
        """Returns how many of the kills came with a reboot."""
        rng = random.Random(seed)
        reboots = 0
        # The fake counters move faster than any real link; the bandwidth limit is off.
        settings.setdefault("MAX_BANDWIDTH_MBIT", "0")
        monitor = self.start(NETWORK_INTERFACE=INTERFACES, **settings)
        # The first start only takes a baseline; the storm begins once it is on disk.
        self.wait_for_sample_after(time.time())
        for _ in range(kills):
            rebooting = rng.random() < reboot_chance
            if rng.random() < 0.25:
                # While it loads the state, announces the start and writes the first save.
                time.sleep(rng.uniform(0, 0.1))
            else:
                for _ in range(rng.randint(0, 3)):
                    self.grow(rng, 10**9)
                    time.sleep(rng.uniform(0, 0.5))
            if rebooting:
                # What the old boot's counters moved after the last sample is lost with the
                # reboot: make the last sample see all of it, so the expected total is exact.
                self.wait_for(self.has_sampled_current_counters, what="the last counters sampled")
                time.sleep(rng.uniform(0, 0.3))
            monitor.kill()
            self.assert_state_is_whole_and_not_ahead()
            if rebooting:
                self.reboot(rng)
                reboots += 1
            else:
                self.grow(rng, 10**6)
            monitor = self.start(NETWORK_INTERFACE=INTERFACES, **settings)
        self.wait_for_sample_after(time.time())
        self.assertEqual(monitor.stop(), 0)

        status = self.status(NETWORK_INTERFACE=INTERFACES)
        self.assertEqual(status["rx_bytes"], self.moved_rx)
        self.assertEqual(status["tx_bytes"], self.moved_tx)
        self.assertEqual(status["counted_bytes"], self.moved_tx)
        self.assertEqual(glob.glob(os.path.join(self.data_dir, "state.json.corrupt-*")), [])
        self.assertNotIn("could not be used", self.output())
        return reboots

    def test_fifty_kills_while_traffic_flows(self):
        self.storm(seed=5150, kills=50, reboot_chance=0)

    def test_kills_with_reboots_between_some_of_them(self):
        self.assertGreaterEqual(self.storm(seed=90210, kills=40, reboot_chance=0.3), 8)

    def test_kills_while_saves_are_in_flight(self):
        # Every save pauses a quarter of a second with its file half written, so a good share
        # of the kills land there.
        self.data_dir = os.path.realpath(self.data_dir)
        shim = FaultShim(self.workdir, self.data_dir)
        shim.begin("slow")
        self.storm(seed=1999, kills=30, reboot_chance=0.1, **shim.settings())


if __name__ == "__main__":
    run_tests()
