#include "main/monitor.hpp"

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <fmt/format.h>

#include "actors/accounting/accounting.hpp"
#include "actors/accounting/forecast.hpp"
#include "actors/commands/bot_client.hpp"
#include "actors/commands/commands.hpp"
#include "actors/http/http_client.hpp"
#include "actors/metrics/metrics.hpp"
#include "actors/notifier/notifier.hpp"
#include "actors/notifier/telegram.hpp"
#include "actors/public_ip/public_ip.hpp"
#include "actors/sampler/proc_net.hpp"
#include "actors/sampler/sampler.hpp"
#include "actors/scheduler/scheduler.hpp"
#include "main/history.hpp"
#include "main/status.hpp"

namespace tmon {

namespace {

std::string host_name(const config& settings) {
  if (!settings.server_name.empty())
    return settings.server_name;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0)
    return "unknown";
  return name;
}

http_client_actor spawn_http_client(caf::actor_system& system,
                                    const monitor_dependencies& dependencies) {
  if (dependencies.http_on_own_threads)
    return system.spawn<caf::detached>(http_client, dependencies.transport);
  return system.spawn(http_client, dependencies.transport);
}

// The chats of TELEGRAM_CHAT_ID, then the targets of NOTIFY_URLS.
std::vector<delivery_target> delivery_targets(const config& settings) {
  std::vector<delivery_target> targets;
  const auto send_url = send_message_url(settings.telegram_api_base, settings.telegram_bot_token);
  for (const auto& chat_id : settings.telegram_chat_ids)
    targets.push_back(telegram_chat_target(send_url, settings.telegram_bot_token, chat_id));
  targets.insert(targets.end(), settings.notify_targets.begin(), settings.notify_targets.end());
  return targets;
}

// What messages say of where they come from and how they show figures.
message_context context_of(const config& settings) {
  message_context context;
  context.language = settings.language;
  context.unit = settings.unit;
  context.direction = settings.direction;
  context.host_name = host_name(settings);
  context.public_ipv4 = settings.public_ip;
  return context;
}

notifier_actor spawn_notifier(caf::actor_system& system, const config& settings,
                              const monitor_dependencies& dependencies, monitor_handles& handles) {
  notifier_settings delivery;
  delivery.context = context_of(settings);
  delivery.log = dependencies.logger("notifier");
  delivery.targets = delivery_targets(settings);
  // One client each, so that a target whose requests hang holds back no other.
  for (std::size_t target = 0; target < delivery.targets.size(); ++target) {
    delivery.clients.push_back(spawn_http_client(system, dependencies));
    handles.http_clients.push_back(delivery.clients.back());
  }
  delivery.now = dependencies.now;
  delivery.address_from_lookup = settings.public_ip.empty() && !settings.public_ip_urls.empty();
  delivery.jitter = dependencies.jitter;
  return system.spawn(notifier, std::move(delivery));
}

// The lookup of the address that messages name, unless PUBLIC_IP fixed it; its own HTTP
// client, so that a slow service never holds a message back.
void spawn_public_ip(caf::actor_system& system, const config& settings,
                     const monitor_dependencies& dependencies, monitor_handles& handles) {
  if (!settings.public_ip.empty() || settings.public_ip_urls.empty())
    return;
  public_ip_settings lookup;
  lookup.urls = settings.public_ip_urls;
  lookup.client = spawn_http_client(system, dependencies);
  lookup.log = dependencies.logger("public_ip");
  lookup.listeners.push_back(handles.notifier);
  if (handles.commands)
    lookup.listeners.push_back(handles.commands);
  handles.http_clients.push_back(lookup.client);
  handles.public_ip = system.spawn(public_ip, std::move(lookup));
}

// The command poller, with a client of its own: its long poll would hold back anything else.
commands_actor spawn_commands(caf::actor_system& system, const config& settings,
                              const monitor_dependencies& dependencies, std::int64_t offset,
                              monitor_handles& handles) {
  commands_settings poller;
  poller.api_base = settings.telegram_api_base;
  poller.token = settings.telegram_bot_token;
  poller.allowed_chats = settings.telegram_chat_ids;
  poller.context = context_of(settings);
  poller.client = dependencies.http_on_own_threads
                    ? system.spawn<caf::detached>(bot_client, dependencies.transport)
                    : system.spawn(bot_client, dependencies.transport);
  handles.http_clients.push_back(poller.client);
  poller.accounting = handles.accounting;
  poller.offset = offset;
  poller.now = dependencies.now;
  poller.jitter = dependencies.jitter;
  poller.log = dependencies.logger("commands");
  return system.spawn(commands, std::move(poller));
}

// Bound before anything is spawned, so that an address in use stops the start.
outcome<caf::io::doorman_ptr> bind_metrics_listener(caf::actor_system& system,
                                                    const config& settings) {
  auto listener = system.middleman().backend().new_tcp_doorman(settings.metrics_port,
                                                               settings.metrics_host.c_str(), true);
  if (!listener)
    return outcome<caf::io::doorman_ptr>::failure(
      fmt::format("METRICS_LISTEN=\"{}\" cannot be listened on: {}.",
                  metrics_listen_address(settings), system.render(listener.error())));
  return outcome<caf::io::doorman_ptr>::success(std::move(*listener));
}

caf::actor spawn_metrics(caf::actor_system& system, const config& settings,
                         const monitor_dependencies& dependencies, caf::io::doorman_ptr listener,
                         const monitor_handles& handles) {
  metrics_settings serving;
  serving.token = settings.metrics_token;
  serving.version = TMON_VERSION;
  serving.log = dependencies.logger("metrics");
  serving.log->info("serving metrics on {}{}", metrics_listen_address(settings),
                    settings.metrics_token.empty() ? "" : " (bearer token required)");
  serving.accounting = handles.accounting;
  serving.notifier = handles.notifier;
  return system.middleman().spawn_broker(metrics, std::move(serving), std::move(listener));
}

} // namespace

published_figures figures_of(const monitor_state& state, const config& settings,
                             const std::vector<std::string>& interfaces, moment now) {
  const auto counted_with = counting_settings_of(settings, interfaces);
  const auto rules = ledger_rules_of(counted_with);
  published_figures figures;
  figures.usage = current_usage(state, rules);
  figures.outlook = outlook_of(state, rules, now);
  figures.last_sample_at = state.last_sample_at;
  figures.events_pending = state.outbox.size();
  figures.limit_reached = state.over_limit_since != moment{};
  figures.status_json = status_json(state, status_context{settings, interfaces, now});
  figures.history_json = history_json(open_cycle_record(state), counted_with);
  return figures;
}

std::vector<caf::actor> monitor_handles::all() const {
  std::vector<caf::actor> result{caf::actor_cast<caf::actor>(scheduler),
                                 caf::actor_cast<caf::actor>(accounting),
                                 caf::actor_cast<caf::actor>(sampler),
                                 caf::actor_cast<caf::actor>(notifier)};
  if (public_ip)
    result.push_back(caf::actor_cast<caf::actor>(public_ip));
  for (const auto& client : http_clients)
    result.push_back(caf::actor_cast<caf::actor>(client));
  if (metrics)
    result.push_back(metrics);
  if (commands)
    result.push_back(caf::actor_cast<caf::actor>(commands));
  return result;
}

std::vector<std::string> counted_interfaces(const config& settings, spdlog::logger* log) {
  if (!settings.interfaces.empty())
    return settings.interfaces;
  auto route = read_default_route_interface(settings.host_proc);
  if (route) {
    if (log)
      log->info("counting {}, the interface of the default route", *route);
    return {*route};
  }
  if (log)
    log->warn("{}; counting eth0 (set NETWORK_INTERFACE to choose)", route.error);
  return {"eth0"};
}

outcome<monitor_handles> spawn_monitor(caf::actor_system& system, const config& settings,
                                       monitor_dependencies dependencies) {
  monitor_handles handles;
  caf::io::doorman_ptr metrics_listener;
  if (settings.metrics_port != 0) {
    auto bound = bind_metrics_listener(system, settings);
    if (!bound)
      return outcome<monitor_handles>::failure(std::move(bound.error));
    metrics_listener = std::move(*bound);
  }
  const bool own_notifier = !dependencies.notifier;
  handles.notifier = own_notifier ? spawn_notifier(system, settings, dependencies, handles)
                                  : dependencies.notifier;

  auto sampler_log = dependencies.logger("sampler");
  const auto interfaces = counted_interfaces(settings, sampler_log.get());
  handles.sampler = system.spawn(sampler, sampler_settings{settings.host_proc, interfaces,
                                                           dependencies.now, sampler_log});

  accounting_settings accounts;
  accounts.data_dir = settings.data_dir;
  const auto saved_offset = dependencies.loaded.state.telegram_update_offset;
  accounts.loaded = std::move(dependencies.loaded);
  accounts.counted_with = counting_settings_of(settings, interfaces);
  accounts.rules = ledger_rules_of(accounts.counted_with,
                                   static_cast<std::uint64_t>(settings.max_bandwidth_mbit));
  accounts.rules.forecast_alert = settings.forecast_alert;
  accounts.rules.limit = settings.limit_percent;
  accounts.now = dependencies.now;
  accounts.log = dependencies.logger("accounting");
  accounts.sampler = handles.sampler;
  accounts.notifier = handles.notifier;
  accounts.publish = [settings, interfaces](const monitor_state& state, moment now) {
    return figures_of(state, settings, interfaces, now);
  };
  // A test's notifier stands in for the configured targets as well.
  for (const auto& target : delivery_targets(settings))
    accounts.targets.push_back(target.id);
  handles.accounting = system.spawn(accounting, std::move(accounts));
  if (settings.telegram_commands)
    handles.commands = spawn_commands(system, settings, dependencies, saved_offset, handles);
  if (metrics_listener)
    handles.metrics = spawn_metrics(system, settings, dependencies, std::move(metrics_listener),
                                    handles);
  if (own_notifier)
    spawn_public_ip(system, settings, dependencies, handles);

  scheduler_settings calendar;
  calendar.reset_day = settings.reset_day;
  calendar.report_interval_days = settings.report_interval.count();
  calendar.report_time = settings.report_time;
  calendar.check_interval = settings.check_interval;
  calendar.now = dependencies.now;
  calendar.log = dependencies.logger("scheduler");
  calendar.accounting = handles.accounting;
  calendar.sampler = handles.sampler;
  handles.scheduler = system.spawn(scheduler, std::move(calendar));
  return outcome<monitor_handles>::success(std::move(handles));
}

} // namespace tmon
