// A test-coordinator fixture whose wall clock follows CAF's virtual clock, so advancing
// virtual time moves the calendar; plus loggers whose lines the test can read, and stand-ins
// for the actors on the far side of the one under test.
#pragma once

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <caf/test/dsl.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "messages/messages.hpp"
#include "test_support.hpp"

namespace tmon::test {

struct actor_fixture : test_coordinator_fixture<> {
  // The wall-clock time at which the virtual clock started; moving it makes the wall clock
  // jump without any timer noticing.
  moment calendar_start;
  caf::actor_clock::time_point clock_start;
  std::ostringstream log_lines;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> log_sink;

  explicit actor_fixture(moment start_at = utc(2026, 2, 27, 23, 59, 50))
      : calendar_start(start_at), clock_start(sched.clock().now()),
        log_sink(std::make_shared<spdlog::sinks::ostream_sink_mt>(log_lines)) {
    log_sink->set_pattern("[%n] %l %v");
  }

  wall_clock wall() {
    return [this] {
      return calendar_start
             + std::chrono::duration_cast<std::chrono::seconds>(sched.clock().now() - clock_start);
    };
  }

  moment now() { return wall()(); }

  std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    auto result = std::make_shared<spdlog::logger>(name, log_sink);
    result->set_level(spdlog::level::trace);
    return result;
  }

  // How many logged lines contain `text`.
  std::size_t lines_containing(const std::string& text) {
    std::size_t count = 0;
    std::istringstream lines(log_lines.str());
    for (std::string line; std::getline(lines, line);)
      if (line.find(text) != std::string::npos)
        ++count;
    return count;
  }

  // Moves virtual time (and so the calendar) forward and lets every actor react.
  void pass(std::chrono::seconds duration) {
    advance_time(duration);
    sched.run();
  }
};

// Stand-in notifier: records each event and acknowledges it at once.
inline notifier_actor::behavior_type
recording_notifier(notifier_actor::pointer, std::shared_ptr<std::vector<event>> received) {
  return {
    [=](deliver_atom, const event& e, bool) {
      received->push_back(e);
      return std::make_tuple(delivered_atom_v, e.id);
    },
    [](retry_atom, std::size_t) {},
    [](public_ip_atom, const std::string&) {},
    [](address_wait_atom) {},
    [](attempt_atom) { return delivery_counts{}; },
  };
}

// Stand-in sampler: answers each request with a reading of no interfaces dated by `now`.
inline sampler_actor::behavior_type dated_sampler(sampler_actor::pointer, wall_clock now) {
  return {
    [now](sample_atom) {
      sample reading;
      reading.taken_at = now();
      return reading;
    },
  };
}

// Stand-in for the scheduler's periodic readings: every `interval` asks `from` for a reading
// and passes it on to `to`. Re-arms forever: send it an exit message at the end of a test.
inline caf::behavior periodic_readings(caf::event_based_actor* self, sampler_actor from,
                                       accounting_actor to, std::chrono::seconds interval) {
  self->delayed_send(self, interval, caf::tick_atom_v);
  return {
    [=](caf::tick_atom) {
      self->delayed_send(self, interval, caf::tick_atom_v);
      self->request(from, caf::infinite, sample_atom_v)
        .then([=](const sample& reading) { self->send(to, sample_atom_v, reading); },
              [](const caf::error&) {});
    },
  };
}

// Stand-in accounting: records the samples, cycles and reports it is sent.
struct accounting_record {
  std::vector<sample> samples;
  std::vector<cycle_bounds> cycles;
  std::vector<moment> reports;
};

inline accounting_actor::behavior_type
recording_accounting(accounting_actor::pointer, std::shared_ptr<accounting_record> record) {
  return {
    [=](sample_atom, const sample& s) { record->samples.push_back(s); },
    [=](cycle_atom, const cycle_bounds& cycle) { record->cycles.push_back(cycle); },
    [=](report_atom, const cycle_bounds&, moment due_at) { record->reports.push_back(due_at); },
    [=](usage_atom) { return usage_figures{}; },
    [=](caf::flush_atom) { return true; },
    [](delivered_atom, std::uint64_t, const std::string&) {},
    [](figures_atom) { return published_figures{}; },
    [](offset_atom, std::int64_t) { return true; },
    [](calibrate_atom, std::uint64_t, const std::string&) { return event{}; },
  };
}

} // namespace tmon::test
