#include "main/calibrate.hpp"

#include <ostream>
#include <utility>

#include "actors/accounting/calibration_request.hpp"
#include "actors/accounting/ledger.hpp"
#include "actors/accounting/state_file.hpp"
#include "actors/scheduler/calendar.hpp"
#include "common/amount.hpp"
#include "common/files.hpp"
#include "common/local_time.hpp"
#include "main/data_dir.hpp"
#include "main/logging.hpp"
#include "main/monitor.hpp"
#include "main/status.hpp"

namespace tmon {

namespace {

// The state file as it is; nothing when there is none yet.
outcome<std::optional<monitor_state>> stored_state(const std::string& data_dir) {
  using result = outcome<std::optional<monitor_state>>;
  const std::string path = state_file_path(data_dir);
  const auto text = read_file_if_present(path);
  if (!text)
    return result::failure(text.error);
  if (!*text)
    return result::success(std::nullopt);
  auto decoded = decode_state(**text);
  if (!decoded)
    return result::failure(path + " cannot be read: " + decoded.error
                           + "; start the monitor, which sets it aside, then calibrate");
  return result::success(std::move(*decoded));
}

int print_new_status(const config& settings, moment now, std::ostream& out, std::ostream& err) {
  return print_status(status_context{settings, counted_interfaces(settings), now}, false, out, err);
}

// No monitor runs and this process holds the data directory's lock: apply the calibration
// here, as the monitor would, and leave the notices in the outbox for the monitor to send.
int apply_here(const config& settings, std::uint64_t used_bytes, const calibrate_environment& env,
               std::ostream& out, std::ostream& err) {
  const auto now = env.now();
  auto lock = calibration_lock::take(settings.data_dir);
  if (!lock) {
    err << lock.error << '\n';
    return 1;
  }
  auto stored = stored_state(settings.data_dir);
  if (!stored) {
    err << stored.error << '\n';
    return 2;
  }
  const cycle_bounds current = cycle_containing(now, settings.reset_day);
  monitor_state state;
  if (*stored) {
    state = std::move(**stored);
  } else {
    // A first start adopts this cycle and owes no report for the time before it.
    state.cycle = current;
    state.last_report_at = now;
  }
  if (state.cycle != current) {
    err << "the state's cycle, " << local_iso8601(state.cycle.start) << " to "
        << local_iso8601(state.cycle.end)
        << ", is not the current one: start the monitor so that it settles the cycle, then "
           "calibrate\n";
    return 1;
  }
  const counting_settings counted_with = state.recorded_settings.value_or(
    counting_settings_of(settings, counted_interfaces(settings)));
  ledger_rules rules = ledger_rules_of(counted_with);
  std::vector<event> dropped;
  auto calibrated = calibrate(state, rules, used_bytes, new_calibration_id(), now);
  const auto before = calibrated.calibrated_from_bytes;
  const auto after = calibrated.usage.counted_bytes;
  raise_event(state, std::move(calibrated), rules.outbox_limit, dropped);
  if (auto alert = newly_crossed_threshold(state, rules, now))
    raise_event(state, std::move(*alert), rules.outbox_limit, dropped);
  if (auto saved = save_state(settings.data_dir, state); !saved) {
    err << saved.error << "; nothing was changed\n";
    return 1;
  }
  // A request left by an earlier command that was stopped is older than this calibration.
  withdraw_calibration(settings.data_dir);
  make_logger("calibrate")
    ->info("usage calibrated with no monitor running: the cycle's counted "
           "usage was {} bytes and is now {} bytes; the monitor announces "
           "it when it starts",
           before, after);
  return print_new_status(settings, now, out, err);
}

bool applied(const std::string& data_dir, const std::string& id) {
  const auto stored = stored_state(data_dir);
  return stored && *stored && (*stored)->last_calibration_id == id;
}

// A monitor runs: leave the request for it and wait until its state records it.
int ask_the_monitor(const config& settings, std::uint64_t used_bytes,
                    const calibrate_environment& env, std::ostream& out, std::ostream& err) {
  const calibration_request request{new_calibration_id(), used_bytes, env.now()};
  {
    auto lock = calibration_lock::take(settings.data_dir);
    if (!lock) {
      err << lock.error << '\n';
      return 1;
    }
    if (auto submitted = submit_calibration(settings.data_dir, request); !submitted) {
      err << submitted.error << '\n';
      return 1;
    }
  }
  const auto allowed = 2 * settings.check_interval + std::chrono::seconds{10};
  constexpr std::chrono::milliseconds poll{200};
  for (std::chrono::milliseconds waited{0}; waited < allowed; waited += poll) {
    if (applied(settings.data_dir, request.id))
      return print_new_status(settings, env.now(), out, err);
    env.pause(poll);
  }
  // Withdrawn under the lock, so the monitor either took it before or never will.
  auto lock = calibration_lock::take(settings.data_dir);
  if (lock && applied(settings.data_dir, request.id))
    return print_new_status(settings, env.now(), out, err);
  const auto pending = pending_calibration(settings.data_dir);
  if (lock && pending && *pending && (*pending)->id == request.id)
    withdraw_calibration(settings.data_dir);
  err << "the calibration was not applied: the running monitor did not take it within "
      << allowed.count() << " s (2 x CHECK_INTERVAL_SECONDS + 10 s); see its log\n";
  return 1;
}

} // namespace

int calibrate_usage(const config& settings, std::string_view amount,
                    const calibrate_environment& env, std::ostream& out, std::ostream& err) {
  const auto used = parse_amount(amount, settings.unit.name, settings.unit.bytes);
  if (!used) {
    err << "--used " << used.error << '\n';
    return 2;
  }
  const auto locked = lock_data_dir(settings.data_dir);
  if (!locked) {
    err << "DATA_DIR=\"" << settings.data_dir << "\" " << locked.error << '\n';
    return 1;
  }
  if (*locked) {
    if (auto opened = setup_logging(settings.level, settings.log_file); !opened) {
      err << "LOG_FILE=\"" << settings.log_file << "\" cannot be opened: " << opened.error << '\n';
      return 2;
    }
    return apply_here(settings, *used, env, out, err);
  }
  return ask_the_monitor(settings, *used, env, out, err);
}

} // namespace tmon
