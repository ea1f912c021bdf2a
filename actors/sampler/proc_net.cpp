#include "actors/sampler/proc_net.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>

#include "common/files.hpp"
#include "common/text.hpp"

namespace tmon {

namespace {

constexpr std::string_view column_separators = " \t";

// A trailing newline ends the last line rather than starting an empty one.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> split_columns(std::string_view line) {
  std::vector<std::string_view> columns;
  for (;;) {
    const auto start = line.find_first_not_of(column_separators);
    if (start == std::string_view::npos)
      return columns;
    line.remove_prefix(start);
    const auto end = line.find_first_of(column_separators);
    columns.push_back(line.substr(0, end));
    if (end == std::string_view::npos)
      return columns;
    line.remove_prefix(end);
  }
}

std::string quoted(std::string_view text) {
  return "\"" + std::string{text} + "\"";
}

// ---- /proc/net/dev ------------------------------------------------------------------------

constexpr std::size_t net_dev_columns = 16;
constexpr std::size_t rx_bytes_column = 0;
constexpr std::size_t tx_bytes_column = 8;

std::string on_line(std::size_t number) {
  return "line " + std::to_string(number);
}

std::string interface_on_line(std::string_view name, std::size_t number) {
  return "interface " + quoted(name) + " on " + on_line(number);
}

// Unlike strtoull, from_chars rejects signs and reports overflow instead of clamping.
outcome<std::uint64_t> parse_counter(std::string_view name, std::size_t line_number,
                                     std::string_view column) {
  std::uint64_t value = 0;
  const auto end = column.data() + column.size();
  const auto [stop, error] = std::from_chars(column.data(), end, value);
  if (error == std::errc::result_out_of_range)
    return outcome<std::uint64_t>::failure(interface_on_line(name, line_number)
                                           + " has a counter that does not fit in 64 bits: "
                                           + quoted(column));
  if (error != std::errc{} || stop != end)
    return outcome<std::uint64_t>::failure(
      interface_on_line(name, line_number)
      + " has a counter that is not an unsigned decimal number: " + quoted(column));
  return outcome<std::uint64_t>::success(value);
}

outcome<std::array<std::uint64_t, net_dev_columns>>
parse_counters(std::string_view name, std::size_t line_number, std::string_view text) {
  using result = outcome<std::array<std::uint64_t, net_dev_columns>>;
  const auto columns = split_columns(text);
  if (columns.size() != net_dev_columns)
    return result::failure(interface_on_line(name, line_number) + " has "
                           + std::to_string(columns.size()) + " counter columns instead of "
                           + std::to_string(net_dev_columns));
  std::array<std::uint64_t, net_dev_columns> counters{};
  for (std::size_t i = 0; i < net_dev_columns; ++i) {
    auto counter = parse_counter(name, line_number, columns[i]);
    if (!counter)
      return result::failure(std::move(counter.error));
    counters[i] = *counter;
  }
  return result::success(counters);
}

// Interface names hold no ':', so the first one ends the name even when the kernel leaves
// no space before a wide first counter.
outcome<interface_counters> parse_interface_line(std::string_view line, std::size_t line_number) {
  using result = outcome<interface_counters>;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return result::failure(on_line(line_number) + " has no ':' after an interface name");
  const auto name = trim(line.substr(0, colon), column_separators);
  if (name.empty())
    return result::failure(on_line(line_number) + " has an empty interface name");
  if (name.find_first_of(white_space) != std::string_view::npos)
    return result::failure(on_line(line_number) + " has white space in the interface name "
                           + quoted(name));
  auto counters = parse_counters(name, line_number, line.substr(colon + 1));
  if (!counters)
    return result::failure(std::move(counters.error));
  const auto& columns = *counters;
  return result::success(
    interface_counters{std::string{name}, columns[rx_bytes_column], columns[tx_bytes_column]});
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The two lines the kernel has printed above the table since Linux 2.x.
outcome<void> check_net_dev_header(const std::vector<std::string_view>& lines) {
  if (lines.empty())
    return outcome<void>::failure("the interface table is empty, without even a header");
  if (!starts_with(lines[0], "Inter-|"))
    return outcome<void>::failure(on_line(1) + " is not the interface table's header");
  if (lines.size() < 2)
    return outcome<void>::failure("the interface table's header ends after line 1");
  if (!starts_with(trim(lines[1], column_separators), "face |"))
    return outcome<void>::failure(on_line(2) + " is not the interface table's column header");
  return outcome<void>::success();
}

} // namespace

outcome<std::vector<interface_counters>> parse_net_dev(std::string_view text) {
  using result = outcome<std::vector<interface_counters>>;
  constexpr std::size_t header_lines = 2;
  const auto lines = split_lines(text);
  if (auto header = check_net_dev_header(lines); !header)
    return result::failure(std::move(header.error));
  std::vector<interface_counters> table;
  std::unordered_map<std::string, std::size_t> line_of_name;
  for (std::size_t i = header_lines; i < lines.size(); ++i) {
    const auto line_number = i + 1;
    auto counters = parse_interface_line(lines[i], line_number);
    if (!counters)
      return result::failure(std::move(counters.error));
    auto [seen, is_new] = line_of_name.emplace(counters->name, line_number);
    if (!is_new)
      return result::failure("interface " + quoted(seen->first) + " is listed twice, on lines "
                             + std::to_string(seen->second) + " and "
                             + std::to_string(line_number));
    table.push_back(std::move(*counters));
  }
  return result::success(std::move(table));
}

// ---- boot id ------------------------------------------------------------------------------

outcome<std::string> parse_boot_id(std::string_view text) {
  using result = outcome<std::string>;
  constexpr std::size_t longest_boot_id = 64;
  const auto boot_id = trim(text);
  if (boot_id.empty())
    return result::failure("the boot id is empty");
  if (boot_id.size() > longest_boot_id)
    return result::failure("the boot id is " + std::to_string(boot_id.size())
                           + " characters long, more than " + std::to_string(longest_boot_id));
  if (boot_id.find_first_not_of("0123456789abcdefABCDEF-") != std::string_view::npos)
    return result::failure("the boot id " + quoted(boot_id)
                           + " holds characters other than hex digits and '-'");
  return result::success(std::string{boot_id});
}

// ---- uptime -------------------------------------------------------------------------------

namespace {

// digits, optionally followed by '.' and digits; the whole seconds, or nothing.
std::optional<std::chrono::seconds> parse_seconds(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto fraction = dot == std::string_view::npos ? std::string_view{"0"}
                                                      : text.substr(dot + 1);
  const auto digits_only = [](std::string_view digits) {
    return !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits_only(whole) || !digits_only(fraction))
    return std::nullopt;
  std::chrono::seconds::rep value = 0;
  const auto end = whole.data() + whole.size();
  const auto [stop, error] = std::from_chars(whole.data(), end, value);
  if (error != std::errc{} || stop != end)
    return std::nullopt;
  return std::chrono::seconds{value};
}

} // namespace

outcome<std::chrono::seconds> parse_uptime(std::string_view text) {
  using result = outcome<std::chrono::seconds>;
  const auto columns = split_columns(trim(text));
  if (columns.size() != 2)
    return result::failure("the uptime has " + std::to_string(columns.size())
                           + " numbers instead of 2");
  const auto uptime = parse_seconds(columns[0]);
  if (!uptime || !parse_seconds(columns[1]))
    return result::failure("the uptime " + quoted(trim(text)) + " is not two numbers of seconds");
  return result::success(*uptime);
}

// ---- /proc/net/route ----------------------------------------------------------------------

namespace {

struct ipv4_route {
  std::string_view interface;
  std::uint32_t destination = 0;
  std::uint32_t flags = 0;
  std::uint32_t metric = 0;
  std::uint32_t mask = 0;
};

std::optional<std::uint32_t> parse_hex(std::string_view text) {
  std::uint32_t value = 0;
  const auto end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value, 16);
  if (error != std::errc{} || stop != end)
    return std::nullopt;
  return value;
}

// The kernel prints addresses and masks as "%08X", so anything shorter is a cut-off line.
std::optional<std::uint32_t> parse_address(std::string_view text) {
  constexpr std::size_t address_digits = 8;
  if (text.size() != address_digits)
    return std::nullopt;
  return parse_hex(text);
}

// The kernel prints the unsigned 32-bit route priority with "%d", so metrics above
// INT32_MAX show up negative.
std::optional<std::uint32_t> parse_metric(std::string_view text) {
  std::int64_t value = 0;
  const auto end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || stop != end || value < std::numeric_limits<std::int32_t>::min()
      || value > std::numeric_limits<std::uint32_t>::max())
    return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

// Columns: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT.
std::optional<ipv4_route> parse_route_line(std::string_view line) {
  constexpr std::size_t route_columns = 11;
  const auto columns = split_columns(line);
  if (columns.size() != route_columns)
    return std::nullopt;
  const auto destination = parse_address(columns[1]);
  const auto flags = parse_hex(columns[3]);
  const auto metric = parse_metric(columns[6]);
  const auto mask = parse_address(columns[7]);
  if (!is_interface_name(columns[0]) || !destination || !flags || !metric || !mask)
    return std::nullopt;
  return ipv4_route{columns[0], *destination, *flags, *metric, *mask};
}

// "*" is the kernel's name for no device, as on unreachable and prohibit routes.
bool is_usable_default_route(const ipv4_route& route) {
  constexpr std::uint32_t route_is_up = 0x0001;
  return route.destination == 0 && route.mask == 0 && (route.flags & route_is_up) != 0
         && route.interface != "*";
}

} // namespace

bool is_interface_name(std::string_view text) {
  return !text.empty() && text.size() <= 15 && text != "." && text != ".."
         && text.find_first_of("/:") == std::string_view::npos
         && text.find_first_of(white_space) == std::string_view::npos;
}

outcome<std::string> parse_default_route_interface(std::string_view text) {
  std::optional<ipv4_route> best;
  // The header line fails to parse like any other malformed line and is skipped with them.
  for (auto line : split_lines(text)) {
    auto route = parse_route_line(line);
    if (route && is_usable_default_route(*route) && (!best || route->metric < best->metric))
      best = route;
  }
  if (!best)
    return outcome<std::string>::failure("no IPv4 default route");
  return outcome<std::string>::success(std::string{best->interface});
}

// ---- reading the files --------------------------------------------------------------------

namespace {

template <class T>
outcome<T> read_and_parse(const std::string& path, outcome<T> (*parse)(std::string_view)) {
  auto text = read_file(path);
  if (!text)
    return outcome<T>::failure(std::move(text.error));
  auto parsed = parse(*text);
  if (!parsed)
    return outcome<T>::failure(path + ": " + parsed.error);
  return parsed;
}

} // namespace

outcome<std::vector<interface_counters>> read_net_dev(const std::string& proc_root) {
  return read_and_parse(proc_root + "/net/dev", &parse_net_dev);
}

outcome<std::string> read_boot_id(const std::string& proc_root) {
  return read_and_parse(proc_root + "/sys/kernel/random/boot_id", &parse_boot_id);
}

outcome<std::chrono::seconds> read_uptime(const std::string& proc_root) {
  return read_and_parse(proc_root + "/uptime", &parse_uptime);
}

outcome<std::string> read_default_route_interface(const std::string& proc_root) {
  return read_and_parse(proc_root + "/net/route", &parse_default_route_interface);
}

// ---- choosing interfaces ------------------------------------------------------------------

interface_selection select_interfaces(const std::vector<interface_counters>& all,
                                      const std::vector<std::string>& wanted) {
  interface_selection selection;
  std::set<std::string> chosen;
  for (const auto& name : wanted) {
    if (!chosen.insert(name).second)
      continue;
    auto found = std::find_if(all.begin(), all.end(),
                              [&](const interface_counters& x) { return x.name == name; });
    if (found == all.end())
      selection.missing.push_back(name);
    else
      selection.present.push_back(*found);
  }
  return selection;
}

bool looks_like_container_network(const std::vector<interface_counters>& all) {
  auto has_eth0 = std::any_of(all.begin(), all.end(),
                              [](const interface_counters& x) { return x.name == "eth0"; });
  auto only_lo_and_eth0 = std::all_of(all.begin(), all.end(), [](const interface_counters& x) {
    return x.name == "lo" || x.name == "eth0";
  });
  return has_eth0 && only_lo_and_eth0;
}

namespace {

bool is_decimal_digit(char c) {
  return c >= '0' && c <= '9';
}

// One letter left out, added or changed, or two neighbours swapped; not a digit for a digit.
bool one_slip_apart(std::string_view typed, std::string_view name) {
  if (typed == name)
    return false;
  if (typed.size() == name.size()) {
    std::vector<std::size_t> differences;
    for (std::size_t i = 0; i < typed.size(); ++i)
      if (typed[i] != name[i])
        differences.push_back(i);
    if (differences.size() == 1) {
      const auto at = differences.front();
      return !(is_decimal_digit(typed[at]) && is_decimal_digit(name[at]));
    }
    return differences.size() == 2 && differences[1] == differences[0] + 1
           && typed[differences[0]] == name[differences[1]]
           && typed[differences[1]] == name[differences[0]];
  }
  const auto& longer = typed.size() > name.size() ? typed : name;
  const auto& shorter = typed.size() > name.size() ? name : typed;
  if (longer.size() != shorter.size() + 1)
    return false;
  std::size_t i = 0;
  while (i < shorter.size() && shorter[i] == longer[i])
    ++i;
  return shorter.substr(i) == longer.substr(i + 1);
}

} // namespace

std::optional<std::string> likely_meant(std::string_view missing,
                                        const std::vector<std::string>& existing) {
  for (const auto& name : existing)
    if (one_slip_apart(missing, name))
      return name;
  return std::nullopt;
}

} // namespace tmon
