#include "actors/notifier/message_catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/local_time.hpp"

namespace tmon {

namespace {

// Every phrase a message is made of. A template takes positional arguments "{0}", "{1}", so
// that a translation may order them as its grammar needs.
enum class phrase : std::size_t {
  unknown,
  outbound,
  inbound,
  bidirectional,
  larger_direction,
  started_title,
  alert_title, // {0}: the threshold
  reset_title,
  report_title,
  state_reset_title,
  host,              // {0}: host name
  ipv4,              // {0}: address
  counted,           // {0}: direction label
  used,              // {0}: used, {1}: quota, {2}: percent
  received,          // {0}: amount
  sent,              // {0}: amount
  cycle,             // {0}: first day, {1}: last day
  cycle_record,      // {0}: first day, {1}: last day
  days_left,         // {0}: days
  projection_within, // {0}: amount, {1}: percent of the quota
  projection_over,   // {0}: amount, {1}: percent of the quota, {2}: date the quota runs out
  no_projection,
  today_and_yesterday, // {0}: today's amount, {1}: yesterday's
  daily_average,       // {0}: amount, {1}: full days it is taken over
  closed_average,      // {0}: amount
  daily_budget,        // {0}: amount
  busiest_day,         // {0}: date, {1}: amount
  calibrated_title,
  calibrated_change, // {0}: counted before, {1}: counted now
  forecast_title,
  limit_reached_title, // {0}: the limit
  limit_reached_action,
  limit_lifted_title,
  limit_lifted_action,
  counting_restarted,
  late_notice,
  state_file_moved, // {0}: where the file went, and why
  state_file_kept,
  interfaces_counted, // {0}: interface names
  interfaces_missing, // {0}: names not found, {1}: names that exist
  none,
  changed_title,
  previous_bounds, // {0}: first instant, {1}: end instant
  new_bounds,      // {0}: first instant, {1}: end instant
  settings_changed,
  wrong_clock,
  skipped_cycles,  // {0}: how many, {1}: first day, {2}: last day
  undated_traffic, // {0}: amount
  status_title,
  remaining,   // {0}: amount
  last_sample, // {0}: local time
  limit_in_force,
  history_title, // {0}: how many days at most
  history_day,   // {0}: date, {1}: counted, {2}: received, {3}: sent
  history_empty,
  help_title,
  status_command,
  report_command,
  history_command,
  calibrate_command,
  help_command,
  calibrated_answer, // {0}: counted before, {1}: counted now
  amount_refused,    // {0}: the text given, {1}: the default unit
  no_figures,
  count
};

// One phrase in every language, side by side. Adding a language: one more field here, one
// more text per row, and a case in `text_of`.
struct translation {
  phrase id;
  const char* zh;
  const char* en;
};

constexpr translation catalogue[] = {
  {phrase::unknown, "未知", "unknown"},
  {phrase::outbound, "出站 (tx)", "outbound (tx)"},
  {phrase::inbound, "入站 (rx)", "inbound (rx)"},
  {phrase::bidirectional, "双向 (rx + tx)", "both directions (rx + tx)"},
  {phrase::larger_direction, "取 rx 和 tx 中的较大者", "the larger of rx and tx"},
  {phrase::started_title, "🚀 流量监控已启动", "🚀 Traffic monitor started"},
  {phrase::alert_title, "⚠️ 流量告警：已用流量达到额度的 {0}",
   "⚠️ Traffic alert: {0} of the quota reached"},
  {phrase::reset_title, "🔄 流量已重置：新的计费周期开始", "🔄 Traffic reset: new billing cycle"},
  {phrase::report_title, "📊 流量使用报告", "📊 Traffic report"},
  {phrase::state_reset_title, "❗ 状态文件已重置", "❗ State file reset"},
  {phrase::host, "主机：{0}", "Host: {0}"},
  {phrase::ipv4, "公网 IPv4：{0}", "Public IPv4: {0}"},
  {phrase::counted, "统计方式：{0}", "Counted traffic: {0}"},
  {phrase::used, "已用 / 额度：{0} / {1}（{2}）", "Used / quota: {0} / {1} ({2})"},
  {phrase::received, "接收 (rx)：{0}", "Received (rx): {0}"},
  {phrase::sent, "发送 (tx)：{0}", "Sent (tx): {0}"},
  {phrase::cycle, "计费周期：{0} 至 {1}", "Billing cycle: {0} to {1}"},
  {phrase::cycle_record, "上一计费周期：{0} 至 {1}", "Closed cycle: {0} to {1}"},
  {phrase::days_left, "剩余天数：{0} 天", "Days left: {0}"},
  {phrase::projection_within, "预计周期结束时用量：{0}（额度的 {1}），在额度内",
   "Projected at cycle end: {0} ({1} of the quota), within quota"},
  {phrase::projection_over, "预计周期结束时用量：{0}（额度的 {1}），按当前速度额度将于 {2} 用完",
   "Projected at cycle end: {0} ({1} of the quota); at this pace the quota runs out on {2}"},
  {phrase::no_projection, "预测：数据不足（尚无完整的一天）", "Forecast: not enough data yet"},
  {phrase::today_and_yesterday, "今日：{0}，昨日：{1}", "Today: {0}, yesterday: {1}"},
  {phrase::daily_average, "日均：{0}（最近 {1} 个完整日）",
   "Daily average: {0} (last {1} full days)"},
  {phrase::closed_average, "日均：{0}", "Daily average: {0}"},
  {phrase::daily_budget, "每日可用额度（含今日）：{0}", "Daily budget (today included): {0}"},
  {phrase::busiest_day, "用量最高的一天：{0}（{1}）", "Busiest day: {0} ({1})"},
  {phrase::calibrated_title, "🎯 用量已校准", "🎯 Usage calibrated"},
  {phrase::calibrated_change, "校准前：{0}，校准后：{1}", "Before: {0}, now: {1}"},
  {phrase::forecast_title, "📈 流量预测：本周期结束前将超出额度",
   "📈 Traffic forecast: the quota will run out before the cycle ends"},
  {phrase::limit_reached_title, "🛑 已达到流量限制：额度的 {0}",
   "🛑 Traffic limit reached: {0} of the quota"},
  {phrase::limit_reached_action,
   "数据目录中已创建 over-limit 文件，`traffic-monitor over-limit` 现在以 0 "
   "退出：宿主机上的单元或脚本应执行限制操作"
   "（例如停止代理）。用量回到限制以下时（最迟在重置时）会解除。",
   "The file over-limit now exists in the data directory and `traffic-monitor over-limit` exits "
   "0: the host's units or scripts should act now (stop the proxy, for example). It is lifted "
   "when usage is below the limit again, at the reset at the latest."},
  {phrase::limit_lifted_title, "✅ 流量限制已解除", "✅ Traffic limit lifted"},
  {phrase::limit_lifted_action,
   "用量已低于限制：over-limit 文件已删除，`traffic-monitor over-limit` 以 1 "
   "退出，宿主机可以恢复服务。",
   "Usage is below the limit: the file over-limit is removed and `traffic-monitor over-limit` "
   "exits 1, so the host may resume."},
  {phrase::counting_restarted, "新周期的流量已从零开始重新统计。",
   "Counting restarted from zero for the new cycle."},
  {phrase::late_notice, "注意：本通知有延迟：重置时监控程序未在运行，或主机曾被挂起或时钟被调整。",
   "Note: this notice is late: at the reset time the monitor was not running, or the host was "
   "suspended or its clock changed."},
  {phrase::state_file_moved, "状态文件无法读取，已移至 {0}，流量已从零开始重新统计。",
   "The state file could not be read. It was moved to {0} and counting started afresh."},
  {phrase::state_file_kept, "状态文件无法读取，也无法移开（原因见日志），流量已从零开始重新统计。",
   "The state file could not be read, nor moved aside (the log says why); counting started "
   "afresh."},
  {phrase::interfaces_counted, "统计的网卡：{0}", "Interfaces counted: {0}"},
  {phrase::interfaces_missing, "⚠️ 找不到网卡：{0}（现有网卡：{1}）",
   "⚠️ Interfaces not found: {0} (existing: {1})"},
  {phrase::none, "无", "none"},
  {phrase::changed_title, "📅 计费周期已变更", "📅 Billing cycle changed"},
  {phrase::previous_bounds, "原计费周期：{0} 至 {1}", "Previous cycle: {0} to {1}"},
  {phrase::new_bounds, "新计费周期：{0} 至 {1}", "New cycle: {0} to {1}"},
  {phrase::settings_changed, "时区或重置日已更改。已统计的流量全部保留在新周期中，不会清零。",
   "The time zone or the reset day changed. Everything counted so far is kept in the new "
   "cycle, not reset."},
  {phrase::wrong_clock,
   "保存的计费周期位于未来：它是在系统时钟错误时生成的。已统计的流量全部保留在新周期中，不会"
   "清零。",
   "The stored cycle lay in the future: it was made while the clock was wrong. Everything "
   "counted so far is kept in the new cycle, not reset."},
  {phrase::skipped_cycles, "监控停止期间跳过的计费周期：{0} 个（{1} 至 {2}）",
   "Cycles skipped while the monitor was stopped: {0} ({1} to {2})"},
  {phrase::undated_traffic, "日期未知的流量（监控停止期间产生，已计入新周期）：{0}",
   "Traffic of unknown date (while stopped), counted in the new cycle: {0}"},
  {phrase::status_title, "📍 流量状态", "📍 Traffic status"},
  {phrase::remaining, "剩余额度：{0}", "Left in the quota: {0}"},
  {phrase::last_sample, "最近一次读数：{0}", "Last reading: {0}"},
  {phrase::limit_in_force,
   "🛑 已达到流量限制（LIMIT_PERCENT），宿主机应已执行限制操作。",
   "🛑 Over the traffic limit (LIMIT_PERCENT): the host should be acting on it."},
  {phrase::history_title, "🗓 最近 {0} 天的流量（计入额度的部分）",
   "🗓 Traffic of the last {0} days (as counted)"},
  {phrase::history_day, "{0}：{1}（rx {2}，tx {3}）", "{0}: {1} (rx {2}, tx {3})"},
  {phrase::history_empty, "本周期还没有按日记录的流量。", "No day of this cycle is recorded yet."},
  {phrase::help_title, "可用命令：", "Commands:"},
  {phrase::status_command, "本周期的用量、额度和预测", "this cycle's usage, quota and projection"},
  {phrase::report_command, "立即发送流量报告", "the traffic report, now"},
  {phrase::history_command, "最近 7 天每天的流量", "the traffic of each of the last 7 days"},
  {phrase::calibrate_command, "按服务商的数字校准用量，例如 /calibrate 312.5GB",
   "set the usage to the provider's figure, such as /calibrate 312.5GB"},
  {phrase::help_command, "显示本列表", "this list"},
  {phrase::calibrated_answer, "🎯 已校准：{0} → {1}。每个通知目标都会收到校准通知。",
   "🎯 Calibrated: {0} → {1}. Every notification target gets the notice."},
  {phrase::amount_refused,
   "❌ “{0}” 不是用量。请给出服务商显示的本周期用量，例如 /calibrate 312.5GB 或 /calibrate "
   "1.2 TiB（不带单位时按 {1} 计）。",
   "❌ \"{0}\" is not an amount. Give the provider's figure for this cycle, such as /calibrate "
   "312.5GB or /calibrate 1.2 TiB (without a unit: {1})."},
  {phrase::no_figures, "还没有数据：第一次读数尚未完成。",
   "No figures yet: the first reading is still to come."},
};

// The arguments a template uses, one bit per "{i}"; -1 when a brace is not part of one, which
// fmt would reject while a message is being sent.
constexpr long arguments_used(const char* text) {
  long used = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p != '{' && *p != '}')
      continue;
    if (p[0] != '{' || p[1] < '0' || p[1] > '9' || p[2] != '}')
      return -1;
    used |= 1L << (p[1] - '0');
    p += 2;
  }
  return used;
}

// Checked when the program is built: a row stands at its phrase's place, and its translations
// are well-formed templates that take the same arguments.
constexpr bool catalogue_is_consistent() {
  for (std::size_t i = 0; i < std::size(catalogue); ++i) {
    const auto& row = catalogue[i];
    auto used = arguments_used(row.zh);
    if (static_cast<std::size_t>(row.id) != i || used < 0 || used != arguments_used(row.en))
      return false;
  }
  return true;
}

static_assert(std::size(catalogue) == static_cast<std::size_t>(phrase::count),
              "every phrase has its row");
static_assert(catalogue_is_consistent(), "rows in the order of `phrase`, same arguments");

const char* text_of(phrase id, message_language language) {
  const auto& row = catalogue[static_cast<std::size_t>(id)];
  switch (language) {
    case message_language::en:
      return row.en;
    case message_language::zh:
      break;
  }
  // An unlisted language still gets a readable message, in the default one.
  return row.zh;
}

// The lines of a message, each of which may hold several.
std::string joined_lines(const std::vector<std::string>& lines) {
  return fmt::format("{}", fmt::join(lines, "\n"));
}

// The figures and labels every message draws on, already formatted.
class message_builder {
public:
  message_builder(const event& e, const message_context& context) : e_(e), context_(context) {}

  template <class... Args>
  std::string say(phrase id, const Args&... args) const {
    return fmt::format(fmt::runtime(text_of(id, context_.language)), args...);
  }

  std::string amount(std::uint64_t bytes) const { return format_amount(bytes, context_.unit); }

  // The share of the quota, as format_share writes it.
  std::string percent(std::uint64_t bytes) const {
    return format_share(bytes, e_.usage.quota_bytes);
  }

  // Two lines: the host name and the public address.
  std::string identity() const {
    return fmt::format("{}\n{}", say(phrase::host, or_unknown(context_.host_name)),
                       say(phrase::ipv4, or_unknown(context_.public_ipv4)));
  }

  std::string used() const {
    const auto& usage = e_.usage;
    return say(phrase::used, amount(usage.counted_bytes), amount(usage.quota_bytes),
               percent(usage.counted_bytes));
  }

  // Two lines: received, then sent.
  std::string received_and_sent() const {
    return fmt::format("{}\n{}", say(phrase::received, amount(e_.usage.rx_bytes)),
                       say(phrase::sent, amount(e_.usage.tx_bytes)));
  }

  std::string cycle(phrase id) const {
    const auto& bounds = e_.usage.cycle;
    return say(id, local_date(bounds.start), local_date(bounds.end - std::chrono::seconds{1}));
  }

  std::string remaining_days() const {
    return say(phrase::days_left, days_left(e_.raised_at, e_.usage.cycle.end));
  }

  // The average and the days it is taken over.
  std::string daily_average() const {
    return say(phrase::daily_average, amount(e_.outlook.daily_average_bytes), e_.outlook.full_days);
  }

  // The projection at the cycle's end, with the date the quota runs out when it does.
  std::string projection() const {
    const auto& outlook = e_.outlook;
    if (outlook.projected_bytes <= e_.usage.quota_bytes)
      return say(phrase::projection_within, amount(outlook.projected_bytes),
                 percent(outlook.projected_bytes));
    return say(phrase::projection_over, amount(outlook.projected_bytes),
               percent(outlook.projected_bytes), local_date(outlook.runs_out_at));
  }

  std::string counted_direction() const {
    return say(phrase::counted, direction_label(context_.direction, context_.language));
  }

  // "eth0, eth1", or the word for none.
  std::string listed(const std::vector<std::string>& names) const {
    return names.empty() ? say(phrase::none) : fmt::format("{}", fmt::join(names, ", "));
  }

private:
  std::string or_unknown(const std::string& value) const {
    return value.empty() ? say(phrase::unknown) : value;
  }

  const event& e_;
  const message_context& context_;
};

std::string started_message(const event& e, const message_builder& m) {
  std::vector<std::string> lines{m.say(phrase::started_title), m.identity()};
  // Only when the event carries a reading of the interfaces.
  if (!e.interfaces.empty() || !e.missing_interfaces.empty())
    lines.push_back(m.say(phrase::interfaces_counted, m.listed(e.interfaces)));
  if (!e.missing_interfaces.empty())
    lines.push_back(m.say(phrase::interfaces_missing, m.listed(e.missing_interfaces),
                          m.listed(e.visible_interfaces)));
  lines.insert(lines.end(),
               {m.counted_direction(), m.used(), m.cycle(phrase::cycle), m.remaining_days()});
  return joined_lines(lines);
}

std::string alert_message(const event& e, const message_builder& m) {
  return joined_lines({m.say(phrase::alert_title, e.threshold_percent.text() + "%"), m.identity(),
                       m.used(), m.received_and_sent(), m.cycle(phrase::cycle),
                       m.remaining_days()});
}

std::string reset_message(const event& e, const message_builder& m) {
  std::vector<std::string> lines{m.say(phrase::reset_title), m.identity(),
                                 m.cycle(phrase::cycle_record), m.used(), m.received_and_sent()};
  if (!e.outlook.busiest_day.empty())
    lines.push_back(
      m.say(phrase::busiest_day, e.outlook.busiest_day, m.amount(e.outlook.busiest_day_bytes)));
  if (e.outlook.full_days > 0)
    lines.push_back(m.say(phrase::closed_average, m.amount(e.outlook.daily_average_bytes)));
  lines.push_back(m.say(phrase::counting_restarted));
  if (e.skipped_cycles > 0)
    lines.push_back(m.say(phrase::skipped_cycles, e.skipped_cycles,
                          local_date(e.skipped_span.start),
                          local_date(e.skipped_span.end - std::chrono::seconds{1})));
  if (e.late) {
    lines.push_back(m.say(phrase::undated_traffic, m.amount(e.undated_bytes)));
    lines.push_back(m.say(phrase::late_notice));
  }
  return joined_lines(lines);
}

std::string report_message(const event& e, const message_builder& m) {
  const auto& outlook = e.outlook;
  std::vector<std::string> lines{m.say(phrase::report_title), m.identity(), m.used(),
                                 m.received_and_sent(),
                                 m.say(phrase::today_and_yesterday, m.amount(outlook.today_bytes),
                                       m.amount(outlook.yesterday_bytes))};
  if (outlook.full_days == 0) {
    lines.push_back(m.say(phrase::no_projection));
  } else {
    lines.push_back(m.daily_average());
    lines.push_back(m.projection());
  }
  lines.insert(lines.end(), {m.say(phrase::daily_budget, m.amount(outlook.daily_budget_bytes)),
                             m.remaining_days(), m.cycle(phrase::cycle)});
  return joined_lines(lines);
}

std::string forecast_message(const event& e, const message_builder& m) {
  return joined_lines({m.say(phrase::forecast_title), m.identity(), m.projection(), m.used(),
                       m.daily_average(),
                       m.say(phrase::daily_budget, m.amount(e.outlook.daily_budget_bytes)),
                       m.remaining_days(), m.cycle(phrase::cycle)});
}

std::string limit_message(const event& e, const message_builder& m) {
  const bool reached = e.kind == event_kind::limit_reached;
  return joined_lines(
    {reached ? m.say(phrase::limit_reached_title, e.threshold_percent.text() + "%")
             : m.say(phrase::limit_lifted_title),
     m.identity(), m.used(), m.cycle(phrase::cycle),
     m.say(reached ? phrase::limit_reached_action : phrase::limit_lifted_action)});
}

std::string calibrated_message(const event& e, const message_builder& m) {
  return joined_lines({m.say(phrase::calibrated_title), m.identity(),
                       m.say(phrase::calibrated_change, m.amount(e.calibrated_from_bytes),
                             m.amount(e.usage.counted_bytes)),
                       m.used(), m.received_and_sent(), m.cycle(phrase::cycle),
                       m.remaining_days()});
}

std::string changed_message(const event& e, const message_builder& m) {
  const auto& previous = e.previous_cycle;
  const auto& next = e.usage.cycle;
  return joined_lines(
    {m.say(phrase::changed_title), m.identity(),
     m.say(phrase::previous_bounds, local_minute(previous.start), local_minute(previous.end)),
     m.say(phrase::new_bounds, local_minute(next.start), local_minute(next.end)), m.used(),
     m.received_and_sent(), m.remaining_days(),
     m.say(e.wrong_clock ? phrase::wrong_clock : phrase::settings_changed)});
}

std::string status_answer(const published_figures& figures, const message_builder& m) {
  const auto& usage = figures.usage;
  std::vector<std::string> lines{m.say(phrase::status_title),
                                 m.identity(),
                                 m.used(),
                                 m.say(phrase::remaining,
                                       m.amount(usage.quota_bytes > usage.counted_bytes
                                                  ? usage.quota_bytes - usage.counted_bytes
                                                  : 0)),
                                 m.received_and_sent(),
                                 m.cycle(phrase::cycle),
                                 m.remaining_days()};
  lines.push_back(figures.outlook.full_days > 0 ? m.projection() : m.say(phrase::no_projection));
  lines.push_back(m.say(phrase::daily_budget, m.amount(figures.outlook.daily_budget_bytes)));
  lines.push_back(m.say(phrase::last_sample, local_minute(figures.last_sample_at)));
  if (figures.limit_reached)
    lines.push_back(m.say(phrase::limit_in_force));
  return joined_lines(lines);
}

// The figures as an open cycle's report raised at `now` would carry them.
event report_of(const published_figures& figures, moment now) {
  event report;
  report.kind = event_kind::usage_report;
  report.raised_at = now;
  report.usage = figures.usage;
  report.outlook = figures.outlook;
  return report;
}

std::string state_reset_message(const event& e, const message_builder& m) {
  return joined_lines(
    {m.say(phrase::state_reset_title),
     e.detail.empty() ? m.say(phrase::state_file_kept) : m.say(phrase::state_file_moved, e.detail),
     m.identity()});
}

} // namespace

std::string format_message(const event& e, const message_context& context) {
  message_builder m{e, context};
  switch (e.kind) {
    case event_kind::monitor_started:
      return started_message(e, m);
    case event_kind::threshold_crossed:
      return alert_message(e, m);
    case event_kind::cycle_closed:
      return reset_message(e, m);
    case event_kind::usage_report:
      return report_message(e, m);
    case event_kind::state_file_reset:
      return state_reset_message(e, m);
    case event_kind::cycle_changed:
      return changed_message(e, m);
    case event_kind::usage_calibrated:
      return calibrated_message(e, m);
    case event_kind::forecast_exceeded:
      return forecast_message(e, m);
    case event_kind::limit_reached:
    case event_kind::limit_lifted:
      return limit_message(e, m);
  }
  // Only a corrupted kind gets here; a report at least tells the owner something.
  return report_message(e, m);
}

std::vector<command_description> command_menu(message_language language) {
  return {{"status", text_of(phrase::status_command, language)},
          {"report", text_of(phrase::report_command, language)},
          {"history", text_of(phrase::history_command, language)},
          {"calibrate", text_of(phrase::calibrate_command, language)},
          {"help", text_of(phrase::help_command, language)}};
}

std::string format_status_answer(const published_figures& figures, const message_context& context,
                                 moment now) {
  const auto report = report_of(figures, now);
  return status_answer(figures, message_builder{report, context});
}

std::string format_report_answer(const published_figures& figures, const message_context& context,
                                 moment now) {
  return format_message(report_of(figures, now), context);
}

std::string format_history_answer(const std::vector<day_figures>& days,
                                  const message_context& context) {
  const event none;
  const message_builder m{none, context};
  std::vector<std::string> lines{m.say(phrase::history_title, days_in_history_answer),
                                 m.identity()};
  const auto shown = std::min(days.size(), days_in_history_answer);
  for (auto day = days.end() - static_cast<std::ptrdiff_t>(shown); day != days.end(); ++day)
    lines.push_back(m.say(phrase::history_day, day->date, m.amount(day->counted_bytes),
                          m.amount(day->rx_bytes), m.amount(day->tx_bytes)));
  if (days.empty())
    lines.push_back(m.say(phrase::history_empty));
  return joined_lines(lines);
}

std::string format_help_answer(message_language language) {
  std::vector<std::string> lines{text_of(phrase::help_title, language)};
  for (const auto& entry : command_menu(language))
    lines.push_back(fmt::format("/{} – {}", entry.command, entry.description));
  return joined_lines(lines);
}

std::string format_calibrated_answer(std::uint64_t before_bytes, std::uint64_t now_bytes,
                                     const message_context& context) {
  return fmt::format(fmt::runtime(text_of(phrase::calibrated_answer, context.language)),
                     format_amount(before_bytes, context.unit),
                     format_amount(now_bytes, context.unit));
}

std::string format_amount_refused(std::string_view given, const message_context& context) {
  return fmt::format(fmt::runtime(text_of(phrase::amount_refused, context.language)), given,
                     context.unit.name);
}

std::string format_no_figures(message_language language) {
  return text_of(phrase::no_figures, language);
}

std::string format_amount(std::uint64_t bytes, const traffic_unit& unit) {
  // A zero-byte unit cannot divide anything; raw bytes are the only honest figure then.
  if (unit.bytes == 0)
    return fmt::format("{}.00 B", bytes);
  // The whole units stay exact integers; only the remainder, below one unit, goes through
  // long double, exact for any unit below 10^17 bytes, and ties round up as people expect.
  auto whole = bytes / unit.bytes;
  auto remainder = bytes % unit.bytes;
  auto scaled = static_cast<long double>(remainder) * 100 / static_cast<long double>(unit.bytes);
  auto hundredths = static_cast<std::uint64_t>(std::floor(scaled + 0.5L));
  if (hundredths == 100) {
    ++whole;
    hundredths = 0;
  }
  return fmt::format("{}.{:02} {}", whole, hundredths, unit.name);
}

std::string format_share(std::uint64_t bytes, std::uint64_t quota_bytes) {
  if (quota_bytes == 0)
    return "0.0%";
  // Truncated, never rounded: 99.95 % used must not read as the 100 % not yet reached. Below
  // 2^74, so 128 bits hold it.
  __extension__ typedef unsigned __int128 uint128;
  uint128 tenths = uint128{bytes} * 1000 / quota_bytes;
  const auto last = static_cast<unsigned>(tenths % 10);
  std::string whole;
  for (uint128 rest = tenths / 10; whole.empty() || rest > 0; rest /= 10)
    whole.insert(whole.begin(), static_cast<char>('0' + static_cast<unsigned>(rest % 10)));
  return fmt::format("{}.{}%", whole, last);
}

std::string direction_label(traffic_direction direction, message_language language) {
  switch (direction) {
    case traffic_direction::outbound:
      return text_of(phrase::outbound, language);
    case traffic_direction::inbound:
      return text_of(phrase::inbound, language);
    case traffic_direction::bidirectional:
      return text_of(phrase::bidirectional, language);
    case traffic_direction::max:
      return text_of(phrase::larger_direction, language);
  }
  return text_of(phrase::unknown, language);
}

} // namespace tmon
