#include "actors/notifier/message_catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <utility>
#include <vector>

#include "common/local_time.hpp"

namespace tmon {

namespace {

// Every phrase of one language. Templates take positional arguments "{0}", "{1}", so a
// translation may order them as its grammar needs.
struct wording {
  const char* unknown;
  const char* outbound;
  const char* inbound;
  const char* bidirectional;
  const char* larger_direction;
  const char* started_title;
  const char* alert_title; // {0}: the threshold
  const char* reset_title;
  const char* report_title;
  const char* state_reset_title;
  const char* host;         // {0}: host name
  const char* ipv4;         // {0}: address
  const char* counted;      // {0}: direction label
  const char* used;         // {0}: used, {1}: quota, {2}: percent
  const char* received;     // {0}: amount
  const char* sent;         // {0}: amount
  const char* cycle;        // {0}: first day, {1}: last day
  const char* closed_cycle; // {0}: first day, {1}: last day
  const char* days_left;    // {0}: days
  const char* projection;   // {0}: amount, {1}: percent of the quota
  const char* counting_restarted;
  const char* late_notice;
  const char* state_file_moved; // {0}: where the file went, and why
  const char* state_file_kept;
  const char* interfaces_counted; // {0}: interface names
  const char* interfaces_missing; // {0}: names not found, {1}: names that exist
  const char* none;
  const char* changed_title;
  const char* previous_bounds; // {0}: first instant, {1}: end instant
  const char* new_bounds;      // {0}: first instant, {1}: end instant
  const char* settings_changed;
  const char* wrong_clock;
  const char* skipped_cycles;  // {0}: how many, {1}: first day, {2}: last day
  const char* undated_traffic; // {0}: amount
};

// Adding a language: one more entry here, in the order of `wording`'s fields.
const std::pair<message_language, wording> catalogue[] = {
  {message_language::zh,
   {
     "未知",
     "出站 (tx)",
     "入站 (rx)",
     "双向 (rx + tx)",
     "取 rx 和 tx 中的较大者",
     "🚀 流量监控已启动",
     "⚠️ 流量告警：已用流量达到额度的 {0}",
     "🔄 流量已重置：新的计费周期开始",
     "📊 流量使用报告",
     "❗ 状态文件已重置",
     "主机：{0}",
     "公网 IPv4：{0}",
     "统计方式：{0}",
     "已用 / 额度：{0} / {1}（{2}）",
     "接收 (rx)：{0}",
     "发送 (tx)：{0}",
     "计费周期：{0} 至 {1}",
     "上一计费周期：{0} 至 {1}",
     "剩余天数：{0} 天",
     "预计周期结束时用量：{0}（额度的 {1}）",
     "新周期的流量已从零开始重新统计。",
     "注意：本通知有延迟：重置时监控程序未在运行，或主机曾被挂起或时钟被调整。",
     "状态文件无法读取，已移至 {0}，流量已从零开始重新统计。",
     "状态文件无法读取，也无法移开（原因见日志），流量已从零开始重新统计。",
     "统计的网卡：{0}",
     "⚠️ 找不到网卡：{0}（现有网卡：{1}）",
     "无",
     "📅 计费周期已变更",
     "原计费周期：{0} 至 {1}",
     "新计费周期：{0} 至 {1}",
     "时区或重置日已更改。已统计的流量全部保留在新周期中，不会清零。",
     "保存的计费周期位于未来：它是在系统时钟错误时生成的。已统计的流量全部保留在新周期中，不会清零"
     "。",
     "监控停止期间跳过的计费周期：{0} 个（{1} 至 {2}）",
     "日期未知的流量（监控停止期间产生，已计入新周期）：{0}",
   }},
  {message_language::en,
   {
     "unknown",
     "outbound (tx)",
     "inbound (rx)",
     "both directions (rx + tx)",
     "the larger of rx and tx",
     "🚀 Traffic monitor started",
     "⚠️ Traffic alert: {0} of the quota reached",
     "🔄 Traffic reset: new billing cycle",
     "📊 Traffic report",
     "❗ State file reset",
     "Host: {0}",
     "Public IPv4: {0}",
     "Counted traffic: {0}",
     "Used / quota: {0} / {1} ({2})",
     "Received (rx): {0}",
     "Sent (tx): {0}",
     "Billing cycle: {0} to {1}",
     "Closed cycle: {0} to {1}",
     "Days left: {0}",
     "Projected at cycle end: {0} ({1} of the quota)",
     "Counting restarted from zero for the new cycle.",
     "Note: this notice is late: at the reset time the monitor was not running, or the host "
     "was suspended or its clock changed.",
     "The state file could not be read. It was moved to {0} and counting started afresh.",
     "The state file could not be read, nor moved aside (the log says why); counting started "
     "afresh.",
     "Interfaces counted: {0}",
     "⚠️ Interfaces not found: {0} (existing: {1})",
     "none",
     "📅 Billing cycle changed",
     "Previous cycle: {0} to {1}",
     "New cycle: {0} to {1}",
     "The time zone or the reset day changed. Everything counted so far is kept in the new "
     "cycle, not reset.",
     "The stored cycle lay in the future: it was made while the clock was wrong. Everything "
     "counted so far is kept in the new cycle, not reset.",
     "Cycles skipped while the monitor was stopped: {0} ({1} to {2})",
     "Traffic of unknown date (while stopped), counted in the new cycle: {0}",
   }},
};

const wording& wording_for(message_language language) {
  auto entry = std::find_if(std::begin(catalogue), std::end(catalogue),
                            [language](const auto& x) { return x.first == language; });
  // An unlisted language still gets a readable message, in the default one.
  return entry != std::end(catalogue) ? entry->second : std::begin(catalogue)->second;
}

// Replaces each "{i}" in `pattern` with args[i]; anything else is copied as written.
std::string fill(const char* pattern, const std::vector<std::string>& args = {}) {
  std::string text;
  for (const char* p = pattern; *p != '\0'; ++p) {
    bool is_placeholder = p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}';
    auto index = is_placeholder ? static_cast<std::size_t>(p[1] - '0') : args.size();
    if (index < args.size()) {
      text += args[index];
      p += 2;
    } else {
      text += *p;
    }
  }
  return text;
}

// A message under construction, one line at a time.
class text_lines {
public:
  text_lines& add(std::string line) {
    lines_.push_back(std::move(line));
    return *this;
  }

  text_lines& add(const std::vector<std::string>& lines) {
    lines_.insert(lines_.end(), lines.begin(), lines.end());
    return *this;
  }

  std::string str() const {
    std::string text;
    for (const auto& line : lines_) {
      if (!text.empty())
        text += '\n';
      text += line;
    }
    return text;
  }

private:
  std::vector<std::string> lines_;
};

// "80%", "92.5%", "99.95%": a threshold reads as the owner configured it, with the fewest
// decimals that give back the same number, and never in exponent notation.
std::string format_threshold(double percent) {
  char text[512];
  for (int decimals = 0; decimals <= 17; ++decimals) {
    std::snprintf(text, sizeof text, "%.*f", decimals, percent);
    if (std::strtod(text, nullptr) == percent)
      break;
  }
  return std::string{text} + "%";
}

std::string or_unknown(const std::string& value, const wording& w) {
  return value.empty() ? w.unknown : value;
}

// The figures and labels every message draws on, already formatted.
class message_builder {
public:
  message_builder(const event& e, const message_context& context)
      : e_(e), context_(context), w_(wording_for(context.language)) {}

  const wording& words() const { return w_; }

  std::string amount(std::uint64_t bytes) const { return format_amount(bytes, context_.unit); }

  std::string percent(std::uint64_t bytes) const {
    return format_percent(percent_of_quota(bytes, e_.usage.quota_bytes));
  }

  std::vector<std::string> identity() const {
    return {fill(w_.host, {or_unknown(context_.host_name, w_)}),
            fill(w_.ipv4, {or_unknown(context_.public_ipv4, w_)})};
  }

  std::string used() const {
    const auto& usage = e_.usage;
    return fill(w_.used, {amount(usage.counted_bytes), amount(usage.quota_bytes),
                          percent(usage.counted_bytes)});
  }

  std::vector<std::string> received_and_sent() const {
    return {fill(w_.received, {amount(e_.usage.rx_bytes)}),
            fill(w_.sent, {amount(e_.usage.tx_bytes)})};
  }

  std::string cycle(const char* pattern) const {
    const auto& bounds = e_.usage.cycle;
    return fill(pattern, {local_date(bounds.start), local_date(bounds.end - 1)});
  }

  std::string remaining_days() const {
    return fill(w_.days_left, {std::to_string(days_left(e_.raised_at, e_.usage.cycle.end))});
  }

  std::string counted_direction() const {
    return fill(w_.counted, {direction_label(context_.direction, context_.language)});
  }

private:
  const event& e_;
  const message_context& context_;
  const wording& w_;
};

std::string listed(const std::vector<std::string>& names, const wording& w) {
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? w.none : text;
}

// Nothing when the event carries no reading of the interfaces.
std::vector<std::string> interface_lines(const event& e, const wording& w) {
  if (e.interfaces.empty() && e.missing_interfaces.empty())
    return {};
  std::vector<std::string> lines{fill(w.interfaces_counted, {listed(e.interfaces, w)})};
  if (!e.missing_interfaces.empty())
    lines.push_back(fill(w.interfaces_missing,
                         {listed(e.missing_interfaces, w), listed(e.visible_interfaces, w)}));
  return lines;
}

std::string started_message(const event& e, const message_builder& m) {
  const auto& w = m.words();
  return text_lines{}
    .add(fill(w.started_title))
    .add(m.identity())
    .add(interface_lines(e, w))
    .add(m.counted_direction())
    .add(m.used())
    .add(m.cycle(w.cycle))
    .add(m.remaining_days())
    .str();
}

std::string alert_message(const event& e, const message_builder& m) {
  const auto& w = m.words();
  return text_lines{}
    .add(fill(w.alert_title, {format_threshold(e.threshold_percent)}))
    .add(m.identity())
    .add(m.used())
    .add(m.received_and_sent())
    .add(m.cycle(w.cycle))
    .add(m.remaining_days())
    .str();
}

std::string reset_message(const event& e, const message_builder& m) {
  const auto& w = m.words();
  text_lines text;
  text.add(fill(w.reset_title))
    .add(m.identity())
    .add(m.cycle(w.closed_cycle))
    .add(m.used())
    .add(m.received_and_sent())
    .add(fill(w.counting_restarted));
  if (e.skipped_cycles > 0)
    text.add(
      fill(w.skipped_cycles, {std::to_string(e.skipped_cycles), local_date(e.skipped_span.start),
                              local_date(e.skipped_span.end - 1)}));
  if (e.late)
    text.add(fill(w.undated_traffic, {m.amount(e.undated_bytes)})).add(fill(w.late_notice));
  return text.str();
}

std::string report_message(const event& e, const message_builder& m) {
  const auto& w = m.words();
  return text_lines{}
    .add(fill(w.report_title))
    .add(m.identity())
    .add(m.used())
    .add(m.received_and_sent())
    .add(m.cycle(w.cycle))
    .add(m.remaining_days())
    .add(fill(w.projection, {m.amount(e.projected_bytes), m.percent(e.projected_bytes)}))
    .str();
}

std::string changed_message(const event& e, const message_builder& m) {
  const auto& w = m.words();
  const auto& previous = e.previous_cycle;
  const auto& next = e.usage.cycle;
  return text_lines{}
    .add(fill(w.changed_title))
    .add(m.identity())
    .add(fill(w.previous_bounds, {local_minute(previous.start), local_minute(previous.end)}))
    .add(fill(w.new_bounds, {local_minute(next.start), local_minute(next.end)}))
    .add(m.used())
    .add(m.received_and_sent())
    .add(m.remaining_days())
    .add(fill(e.wrong_clock ? w.wrong_clock : w.settings_changed))
    .str();
}

std::string state_reset_message(const event& e, const message_builder& m) {
  const auto& w = m.words();
  return text_lines{}
    .add(fill(w.state_reset_title))
    .add(e.detail.empty() ? fill(w.state_file_kept) : fill(w.state_file_moved, {e.detail}))
    .add(m.identity())
    .str();
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
  }
  // Only a corrupted kind gets here; a report at least tells the owner something.
  return report_message(e, m);
}

std::string format_amount(std::uint64_t bytes, const traffic_unit& unit) {
  // A zero-byte unit cannot divide anything; raw bytes are the only honest figure then.
  if (unit.bytes == 0)
    return std::to_string(bytes) + ".00 B";
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
  char fraction[4];
  std::snprintf(fraction, sizeof fraction, ".%02u", static_cast<unsigned>(hundredths));
  return std::to_string(whole) + fraction + " " + unit.name;
}

std::string format_percent(double percent) {
  // A share of a quota is never negative, and NaN or infinity can only come from a broken
  // figure; either would make the message unreadable ("-0.0%", "nan%"). Minus zero is not
  // below zero, so the test is "above zero" rather than "not below".
  if (!(std::isfinite(percent) && percent > 0))
    percent = 0;
  // Truncated, never rounded: 99.95 % used must not read as the 100 % not yet reached.
  auto tenths = std::floor(static_cast<long double>(percent) * 10);
  char text[64];
  std::snprintf(text, sizeof text, "%.1Lf%%", tenths / 10);
  return text;
}

std::int64_t days_left(epoch_seconds now, epoch_seconds cycle_end) {
  if (cycle_end <= now)
    return 0;
  constexpr std::uint64_t seconds_per_day = 86400;
  // Unsigned so that even the widest span of epoch_seconds cannot overflow.
  auto span = static_cast<std::uint64_t>(cycle_end) - static_cast<std::uint64_t>(now);
  return static_cast<std::int64_t>(span / seconds_per_day + (span % seconds_per_day != 0));
}

std::string direction_label(traffic_direction direction, message_language language) {
  const auto& w = wording_for(language);
  switch (direction) {
    case traffic_direction::outbound:
      return w.outbound;
    case traffic_direction::inbound:
      return w.inbound;
    case traffic_direction::bidirectional:
      return w.bidirectional;
    case traffic_direction::max:
      return w.larger_direction;
  }
  return w.unknown;
}

} // namespace tmon
