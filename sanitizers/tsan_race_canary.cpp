// A race on purpose: two actors, one of them on a thread of its own, bump a plain int that
// no message orders. Under ThreadSanitizer its test passes only when this race is the first
// report, which shows that tsan_caf_sync.cpp teaches ThreadSanitizer CAF's ordering without
// hiding races between actors, and that CAF's own work raised nothing before it.

#include <caf/all.hpp>

namespace {

int shared_counter = 0;

void race_on_purpose(int times) {
  for (int i = 0; i < times; ++i)
    ++shared_counter;
}

caf::behavior bumper(caf::event_based_actor* self) {
  return {[self](int times) {
    race_on_purpose(times);
    self->quit();
  }};
}

} // namespace

int main() {
  caf::actor_system_config config;
  config.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system system{config};
  caf::anon_send(system.spawn(bumper), 1000);
  caf::anon_send(system.spawn<caf::detached>(bumper), 1000);
  system.await_all_actors_done();
  return 0;
}
