#define CAF_SUITE sampler
#include <caf/test/unit_test.hpp>

#include "actor_fixture.hpp"

#include "actors/sampler/sampler.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

struct fixture : test::actor_fixture {
  test::fake_proc proc;
  std::shared_ptr<test::accounting_record> record = std::make_shared<test::accounting_record>();
  accounting_actor sink = sys.spawn(test::recording_accounting, record);
  sampler_actor subject;
  caf::actor periodic;

  fixture() { proc.set_counters({{"eth0", 1000, 2000}, {"eth1", 10, 20}}); }

  ~fixture() override {
    self->send_exit(subject, caf::exit_reason::user_shutdown);
    self->send_exit(periodic, caf::exit_reason::user_shutdown);
    sched.run();
  }

  // Starts the sampler, takes a first reading at once and then one every minute, as the
  // scheduler does, all recorded in `record`.
  void start(std::vector<std::string> interfaces = {"eth0"}) {
    subject = sys.spawn(sampler, sampler_settings{proc.root(), std::move(interfaces), wall(),
                                                  logger("sampler")});
    sched.run();
    periodic = sys.spawn(test::periodic_readings, subject, sink, 60s);
    auto pending = self->request(subject, caf::infinite, sample_atom_v);
    sched.run();
    pending.receive([&](const sample& reading) { record->samples.push_back(reading); },
                    [](const caf::error&) {});
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(sampler_tests, fixture)

CAF_TEST(a first reading names the boot and the counters) {
  start();
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  const auto& first = record->samples.front();
  CAF_CHECK_EQUAL(first.taken_at, now());
  CAF_CHECK_EQUAL(first.boot_id, "5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01");
  CAF_REQUIRE_EQUAL(first.interfaces.size(), 1u);
  CAF_CHECK_EQUAL(first.interfaces[0], (interface_counters{"eth0", 1000, 2000}));
}

CAF_TEST(samples follow every interval and re - read the file) {
  start();
  proc.set_counters({{"eth0", 5000, 7000}});
  pass(59s);
  CAF_CHECK_EQUAL(record->samples.size(), 1u);
  pass(1s);
  CAF_REQUIRE_EQUAL(record->samples.size(), 2u);
  CAF_CHECK_EQUAL(record->samples[1].interfaces.at(0), (interface_counters{"eth0", 5000, 7000}));
  CAF_CHECK_EQUAL(record->samples[1].taken_at,
                  record->samples[0].taken_at + std::chrono::seconds{60});
  pass(60s);
  CAF_CHECK_EQUAL(record->samples.size(), 3u);
}

CAF_TEST(several interfaces are all sampled) {
  start({"eth0", "eth1"});
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  CAF_CHECK_EQUAL(record->samples[0].interfaces.size(), 2u);
}

CAF_TEST(a missing interface is reported at most every ten minutes and counted once it appears) {
  start({"wg0"});
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  CAF_CHECK(record->samples[0].interfaces.empty());
  CAF_CHECK_EQUAL(lines_containing("network interface wg0 not found"), 1u);
  CAF_CHECK_EQUAL(lines_containing("interfaces present: lo, eth0, eth1"), 1u);
  pass(540s);
  CAF_CHECK_EQUAL(lines_containing("network interface wg0 not found"), 1u);
  pass(60s);
  CAF_CHECK_EQUAL(lines_containing("network interface wg0 not found"), 2u);
  proc.set_counters({{"eth0", 1000, 2000}, {"wg0", 3, 4}});
  pass(60s);
  CAF_CHECK_EQUAL(record->samples.back().interfaces.at(0), (interface_counters{"wg0", 3, 4}));
}

CAF_TEST(a container - like view gets a hint about host networking) {
  proc.set_counters({{"eth0", 1, 2}});
  start({"ens3"});
  CAF_CHECK_EQUAL(lines_containing("network_mode: host"), 1u);
}

CAF_TEST(a misspelt interface gets a did - you - mean and no hint about host networking) {
  proc.set_counters({{"eth0", 1, 2}});
  start({"eht0"});
  CAF_CHECK_EQUAL(lines_containing("network interface eht0 not found"), 1u);
  CAF_CHECK_EQUAL(lines_containing("did you mean eth0?"), 1u);
  CAF_CHECK_EQUAL(lines_containing("network_mode"), 0u);
}

CAF_TEST(a sample names the missing interfaces and every one that exists) {
  start({"eth0", "wg0"});
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  CAF_CHECK_EQUAL(record->samples[0].missing_interfaces, std::vector<std::string>{"wg0"});
  CAF_CHECK_EQUAL(record->samples[0].visible_interfaces,
                  (std::vector<std::string>{"lo", "eth0", "eth1"}));
}

CAF_TEST(a sample carries the uptime or none when it cannot be read) {
  test::write_file(proc.root() + "/uptime", "3600.75 100.00\n");
  start();
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  CAF_CHECK_EQUAL(record->samples[0].uptime, std::chrono::seconds{3600});
  test::write_file(proc.root() + "/uptime", "nonsense\n");
  pass(60s);
  CAF_REQUIRE_EQUAL(record->samples.size(), 2u);
  CAF_CHECK_EQUAL(record->samples[1].uptime, unknown_uptime);
  CAF_CHECK_EQUAL(record->samples[1].interfaces.at(0), (interface_counters{"eth0", 1000, 2000}));
  CAF_CHECK_EQUAL(lines_containing("uptime"), 1u);
  pass(60s);
  CAF_CHECK_EQUAL(lines_containing("uptime"), 1u);
}

CAF_TEST(an unreadable table skips the sample and sampling goes on) {
  test::write_file(proc.root() + "/net/dev", "Inter-|\n face |\n  eth0: 12 3\n");
  start();
  CAF_CHECK(record->samples.empty());
  CAF_CHECK_EQUAL(lines_containing("skipping this sample"), 1u);
  proc.set_counters({{"eth0", 9, 9}});
  pass(60s);
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  CAF_CHECK_EQUAL(record->samples[0].interfaces.at(0), (interface_counters{"eth0", 9, 9}));
}

CAF_TEST(a sample on request is taken right now) {
  start();
  proc.set_counters({{"eth0", 4242, 4343}});
  pass(10s);
  std::optional<sample> answer;
  auto pending = self->request(subject, caf::infinite, sample_atom_v);
  sched.run();
  pending.receive([&](const sample& s) { answer = s; },
                  [&](caf::error& e) { CAF_FAIL(caf::to_string(e)); });
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK_EQUAL(answer->taken_at, now());
  CAF_CHECK_EQUAL(answer->interfaces.at(0), (interface_counters{"eth0", 4242, 4343}));
}

CAF_TEST_FIXTURE_SCOPE_END()
