#include "main/history.hpp"

#include <cstdlib>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actors/notifier/message_catalog.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

std::string signed_amount(std::int64_t bytes, const traffic_unit& unit) {
  // The magnitude of the most negative int64 still fits in uint64.
  const std::uint64_t magnitude = bytes < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(bytes)
                                            : static_cast<std::uint64_t>(bytes);
  return (bytes < 0 ? "-" : "+") + format_amount(magnitude, unit);
}

} // namespace

cycle_record open_cycle_record(const monitor_state& state) {
  return {state.cycle, state.cycle_rx_bytes, state.cycle_tx_bytes, state.cycle_adjustment_bytes,
          state.days};
}

std::string history_text(const cycle_record& cycle, const counting_settings& counted_with) {
  const auto& unit = counted_with.unit;
  const auto row = [](const std::string& label, const std::string& rx, const std::string& tx,
                      const std::string& counted) {
    return fmt::format("{:<12}{:>16}{:>16}{:>16}\n", label, rx, tx, counted);
  };
  std::string text = fmt::format("cycle {} to {}\n", local_iso8601(cycle.cycle.start),
                                 local_iso8601(cycle.cycle.end));
  text += row("date", "received", "sent", "counted");
  for (const auto& day : cycle.days)
    text += row(day.date, format_amount(day.rx_bytes, unit), format_amount(day.tx_bytes, unit),
                format_amount(counted_bytes(day.rx_bytes, day.tx_bytes, counted_with.direction),
                              unit));
  const std::uint64_t total = adjusted(counted_bytes(cycle.rx_bytes, cycle.tx_bytes,
                                                     counted_with.direction),
                                       cycle.adjustment_bytes);
  text += row("total", format_amount(cycle.rx_bytes, unit), format_amount(cycle.tx_bytes, unit),
              format_amount(total, unit));
  if (cycle.adjustment_bytes != 0)
    text += fmt::format("the total counted includes the calibration, {}\n",
                        signed_amount(cycle.adjustment_bytes, unit));
  return text;
}

std::string history_json(const cycle_record& cycle, const counting_settings& counted_with) {
  nlohmann::json days = nlohmann::json::array();
  for (const auto& day : cycle.days)
    days.push_back(
      {{"date", day.date},
       {"rx_bytes", day.rx_bytes},
       {"tx_bytes", day.tx_bytes},
       {"counted_bytes", counted_bytes(day.rx_bytes, day.tx_bytes, counted_with.direction)}});
  return nlohmann::json{
    {"days", days},
    {"cycle_start", local_iso8601(cycle.cycle.start)},
    {"cycle_end", local_iso8601(cycle.cycle.end)},
    {"rx_bytes", cycle.rx_bytes},
    {"tx_bytes", cycle.tx_bytes},
    {"adjustment_bytes", cycle.adjustment_bytes},
    {"counted_bytes",
     adjusted(counted_bytes(cycle.rx_bytes, cycle.tx_bytes, counted_with.direction),
              cycle.adjustment_bytes)},
  }
    .dump();
}

int print_history(const status_context& context, bool previous, bool as_json, std::ostream& out,
                  std::ostream& err) {
  const auto state = state_to_show(context.settings.data_dir);
  if (!state)
    return refuse_to_show(state.error, as_json, out, err);
  if (previous && !state->previous_cycle)
    return refuse_to_show("no closed cycle with its days is recorded yet: the first one closes "
                          "at the next reset",
                          as_json, out, err);
  const cycle_record cycle = previous ? *state->previous_cycle : open_cycle_record(*state);
  const counting_settings counted_with = state->recorded_settings.value_or(
    counting_settings_of(context.settings, context.interfaces));
  out << (as_json ? history_json(cycle, counted_with) + "\n" : history_text(cycle, counted_with));
  return 0;
}

} // namespace tmon
