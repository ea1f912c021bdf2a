#include "actors/sampler/sampler.hpp"

#include <caf/all.hpp>

#include "actors/sampler/proc_net.hpp"
#include "common/text.hpp"

namespace tmon {

namespace {

std::vector<std::string> names_of(const std::vector<interface_counters>& interfaces) {
  std::vector<std::string> names;
  for (const auto& x : interfaces)
    names.push_back(x.name);
  return names;
}

void report_missing(sampler_state& state, const interface_selection& selection,
                    const std::vector<interface_counters>& all, moment now) {
  if (state.missing_reported_at && now - *state.missing_reported_at < missing_interface_report_every
      && now >= *state.missing_reported_at)
    return;
  state.missing_reported_at = now;
  const auto present = names_of(all);
  std::string hints;
  for (const auto& name : selection.missing)
    if (auto meant = likely_meant(name, present))
      hints += "; " + name + ": did you mean " + *meant + "?";
  // A misspelt name is the whole story; only a name unlike anything seen may be a host
  // interface hidden by a container's own network.
  if (hints.empty() && looks_like_container_network(all))
    hints = "; this looks like a container's own network: run it with host networking "
            "(network_mode: host) to see the host's interfaces";
  state.settings.log->error("network interface {} not found; interfaces present: {}{}",
                            join(selection.missing, ", "), join(present, ", "), hints);
}

// Seconds since boot, or unknown_uptime: counting goes on without it, only the bandwidth
// limit after a reboot cannot be checked.
std::chrono::seconds read_uptime_or_unknown(sampler_state& state) {
  auto uptime = read_uptime(state.settings.proc_root);
  if (uptime) {
    state.uptime_problem_reported = false;
    return *uptime;
  }
  if (!state.uptime_problem_reported)
    state.settings.log->warn("{}; counting goes on, but after a reboot MAX_BANDWIDTH_MBIT "
                             "cannot be checked",
                             uptime.error);
  state.uptime_problem_reported = true;
  return unknown_uptime;
}

// Reads the counters and boot id now; nothing when either cannot be read or parsed.
std::optional<sample> take_sample(sampler_state& state) {
  const auto& settings = state.settings;
  auto table = read_net_dev(settings.proc_root);
  if (!table) {
    settings.log->warn("skipping this sample: {}", table.error);
    return std::nullopt;
  }
  auto boot_id = read_boot_id(settings.proc_root);
  if (!boot_id) {
    settings.log->warn("skipping this sample: {}", boot_id.error);
    return std::nullopt;
  }
  sample reading;
  reading.taken_at = settings.now();
  reading.boot_id = std::move(*boot_id);
  reading.uptime = read_uptime_or_unknown(state);
  auto selection = select_interfaces(*table, settings.interfaces);
  if (!selection.missing.empty())
    report_missing(state, selection, *table, reading.taken_at);
  reading.interfaces = std::move(selection.present);
  reading.missing_interfaces = std::move(selection.missing);
  reading.visible_interfaces = names_of(*table);
  return reading;
}

} // namespace

sampler_actor::behavior_type sampler(sampler_actor::stateful_pointer<sampler_state> self,
                                     sampler_settings settings) {
  self->state.settings = std::move(settings);
  return {
    [=](sample_atom) -> caf::result<sample> {
      if (auto reading = take_sample(self->state))
        return std::move(*reading);
      return caf::make_error(caf::sec::runtime_error, "the counters could not be read");
    },
  };
}

} // namespace tmon
