#define CAF_SUITE proc_net
#include <caf/test/unit_test.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "actors/sampler/proc_net.hpp"
#include "messages/messages.hpp"
#include "test_support.hpp"

using namespace tmon;

namespace {

constexpr std::uint64_t max_counter = std::numeric_limits<std::uint64_t>::max();

constexpr std::string_view net_dev_header =
  "Inter-|   Receive                                                |  Transmit\n"
  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
  "drop fifo colls carrier compressed\n";

std::string net_dev(std::string_view interface_lines) {
  return std::string{net_dev_header} + std::string{interface_lines};
}

// A /proc/net/dev line whose 16 columns are `columns`.
std::string line_with_columns(std::string_view name, std::string_view columns) {
  return "  " + std::string{name} + ": " + std::string{columns} + "\n";
}

// A /proc/net/dev line with these byte counts and every other column zero.
std::string interface_line(std::string_view name, std::uint64_t rx_bytes, std::uint64_t tx_bytes) {
  return line_with_columns(name, std::to_string(rx_bytes) + " 0 0 0 0 0 0 0 "
                                   + std::to_string(tx_bytes) + " 0 0 0 0 0 0 0");
}

// Empty when `error` holds every one of `parts`; otherwise says which it lacks.
std::string lacking(const std::string& error, std::initializer_list<std::string_view> parts) {
  std::string missing;
  for (auto part : parts)
    if (error.find(part) == std::string::npos)
      missing += "error \"" + error + "\" lacks \"" + std::string{part} + "\"; ";
  return missing;
}

template <class T>
void check_fails_mentioning(const outcome<T>& result,
                            std::initializer_list<std::string_view> parts) {
  CAF_CHECK(!result);
  CAF_CHECK_EQUAL(lacking(result.error, parts), "");
}

void check_table(std::string_view text, const std::vector<interface_counters>& expected) {
  auto table = parse_net_dev(text);
  CAF_REQUIRE_EQUAL(table.error, "");
  CAF_CHECK_EQUAL(*table, expected);
}

const std::string route_header =
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

std::string route_line(std::string_view interface, std::string_view destination,
                       std::string_view flags, std::string_view metric, std::string_view mask) {
  return std::string{interface} + "\t" + std::string{destination} + "\t0100A8C0\t"
         + std::string{flags} + "\t0\t0\t" + std::string{metric} + "\t" + std::string{mask}
         + "\t0\t0\t0\n";
}

std::string default_route(std::string_view interface, std::string_view metric) {
  return route_line(interface, "00000000", "0003", metric, "00000000");
}

std::vector<interface_counters> named(std::initializer_list<std::string> names) {
  std::vector<interface_counters> interfaces;
  std::uint64_t bytes = 0;
  for (const auto& name : names) {
    bytes += 1000;
    interfaces.push_back({name, bytes, bytes + 1});
  }
  return interfaces;
}

} // namespace

// ---- parse_net_dev: valid tables ----------------------------------------------------------

CAF_TEST(parses a recent kernel table with wide columns and varied names) {
  auto text = net_dev(
    "    lo:48213577  412345    0    0    0     0          0         0 48213577  412345    0 "
    "   0    0     0       0          0\n"
    "  eth0:98765432109876 7234567123    0 1523    0     0          0     12345 12345678901234 "
    "5123456789    0    0    0     0       0          0\n"
    "eth0.100: 3245234   23423    0    0    0     0          0       213  1123123   12312    0 "
    "   0    0     0       0          0\n"
    "   wg0:734598234 1234512    3    0    0     3          0         0 92834234  823412    0 "
    "  17    0     0       0          0\n"
    "docker0:       0       0    0    0    0     0          0         0     2564      24    0 "
    "   0    0     0       0          0\n"
    "veth1a2b3c4:  187234    2012    0    0    0     0          0         0   923412    3123 "
    "   0    0    0     0       0          0\n"
    "br-5f3e2a1b9c0d:    5234      52    0    0    0     0          0         0     3421      "
    "30    0    0    0     0       0          0\n"
    "macvlan@eth1:      42       1    0    0    0     0          0         0       84       2 "
    "   0    0    0     0       0          0\n");
  check_table(text, {{"lo", 48213577, 48213577},
                     {"eth0", 98765432109876, 12345678901234},
                     {"eth0.100", 3245234, 1123123},
                     {"wg0", 734598234, 92834234},
                     {"docker0", 0, 2564},
                     {"veth1a2b3c4", 187234, 923412},
                     {"br-5f3e2a1b9c0d", 5234, 3421},
                     {"macvlan@eth1", 42, 84}});
}

CAF_TEST(parses the old format without a space after the colon) {
  check_table(net_dev("  eth0:123 4 0 0 0 0 0 0 456 7 0 0 0 0 0 0\n"
                      "eth1:9 1 0 0 0 0 0 0 8 1 0 0 0 0 0 0\n"),
              {{"eth0", 123, 456}, {"eth1", 9, 8}});
}

CAF_TEST(takes rx bytes from column 1 and tx bytes from column 9) {
  check_table(net_dev(line_with_columns("eth0", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16")),
              {{"eth0", 1, 9}});
}

CAF_TEST(accepts tabs between columns) {
  check_table(net_dev("eth0:\t5\t0\t0\t0\t0\t0\t0\t0\t6\t0\t0\t0\t0\t0\t0\t0\n"), {{"eth0", 5, 6}});
}

CAF_TEST(a header without interfaces is an empty table) {
  check_table(net_dev(""), {});
}

CAF_TEST(a header without a final newline is an empty table) {
  auto text = std::string{net_dev_header};
  text.pop_back();
  check_table(text, {});
}

CAF_TEST(a complete last line without a final newline is kept) {
  auto text = net_dev(interface_line("eth0", 1, 2) + interface_line("eth1", 3, 4));
  text.pop_back();
  check_table(text, {{"eth0", 1, 2}, {"eth1", 3, 4}});
}

CAF_TEST(many interfaces keep the kernel order) {
  std::string lines;
  std::vector<interface_counters> expected;
  for (std::uint64_t i = 0; i < 200; ++i) {
    auto name = "veth" + std::to_string(i);
    lines += interface_line(name, i * 7, i * 11);
    expected.push_back({name, i * 7, i * 11});
  }
  check_table(net_dev(lines), expected);
}

CAF_TEST(counters at exactly the 64 bit maximum are accepted) {
  check_table(net_dev(interface_line("eth0", max_counter, max_counter)),
              {{"eth0", max_counter, max_counter}});
  CAF_CHECK_EQUAL(std::to_string(max_counter), "18446744073709551615");
}

CAF_TEST(leading zeros are plain decimal) {
  check_table(net_dev(line_with_columns("eth0", "0010 0 0 0 0 0 0 0 0077 0 0 0 0 0 0 0")),
              {{"eth0", 10, 77}});
}

// ---- parse_net_dev: failures --------------------------------------------------------------

CAF_TEST(empty text fails) {
  check_fails_mentioning(parse_net_dev(""), {"empty"});
}

CAF_TEST(a table without its header fails) {
  check_fails_mentioning(parse_net_dev(interface_line("eth0", 1, 2)), {"line 1", "header"});
}

CAF_TEST(a blank first line fails as a missing header) {
  check_fails_mentioning(parse_net_dev("\n" + net_dev("")), {"line 1", "header"});
}

CAF_TEST(a table cut after the first header line fails) {
  auto first_line = std::string{net_dev_header.substr(0, net_dev_header.find('\n') + 1)};
  check_fails_mentioning(parse_net_dev(first_line), {"header", "line 1"});
  first_line.pop_back();
  check_fails_mentioning(parse_net_dev(first_line), {"header", "line 1"});
}

CAF_TEST(a wrong second header line fails) {
  auto first_line = std::string{net_dev_header.substr(0, net_dev_header.find('\n') + 1)};
  check_fails_mentioning(parse_net_dev(first_line + interface_line("eth0", 1, 2)),
                         {"line 2", "header"});
}

CAF_TEST(a line without a colon fails naming its number) {
  auto text = net_dev(interface_line("eth0", 1, 2) + "  eth1 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\n");
  check_fails_mentioning(parse_net_dev(text), {"line 4", "':'"});
}

CAF_TEST(a line cut inside the name fails) {
  check_fails_mentioning(parse_net_dev(net_dev(interface_line("eth0", 1, 2) + "  et")),
                         {"line 4", "':'"});
}

CAF_TEST(a blank line among the interfaces fails) {
  auto text = net_dev(interface_line("eth0", 1, 2) + "\n" + interface_line("eth1", 3, 4));
  check_fails_mentioning(parse_net_dev(text), {"line 4"});
}

CAF_TEST(an empty interface name fails) {
  check_fails_mentioning(parse_net_dev(net_dev(interface_line("", 1, 2))),
                         {"line 3", "empty interface name"});
  check_fails_mentioning(parse_net_dev(net_dev(":1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\n")),
                         {"line 3", "empty interface name"});
}

CAF_TEST(white space inside an interface name fails) {
  check_fails_mentioning(parse_net_dev(net_dev(interface_line("eth 0", 1, 2))),
                         {"line 3", "\"eth 0\""});
}

CAF_TEST(a line cut mid way fails naming the interface) {
  auto text = net_dev(interface_line("eth0", 1, 2) + "  eth1: 123 45 0 0");
  check_fails_mentioning(parse_net_dev(text), {"\"eth1\"", "line 4", "4 counter columns"});
}

CAF_TEST(a line cut right after the colon fails) {
  check_fails_mentioning(parse_net_dev(net_dev("  eth0:\n")), {"\"eth0\"", "0 counter columns"});
}

CAF_TEST(fifteen columns fail) {
  auto text = net_dev(line_with_columns("eth0", "1 0 0 0 0 0 0 0 2 0 0 0 0 0 0"));
  check_fails_mentioning(parse_net_dev(text), {"\"eth0\"", "15 counter columns", "16"});
}

CAF_TEST(seventeen columns fail) {
  auto text = net_dev(line_with_columns("eth0", "1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0 0"));
  check_fails_mentioning(parse_net_dev(text), {"\"eth0\"", "17 counter columns", "16"});
}

CAF_TEST(a non numeric column fails naming the interface and the column) {
  for (auto bad : {"-5", "+5", "0x1f", "1f", "1.5", "1e3", "abc", "-", "5-", "\xc2\xb9"}) {
    CAF_MESSAGE("column " << bad);
    auto columns = "1 0 0 " + std::string{bad} + " 0 0 0 0 2 0 0 0 0 0 0 0";
    check_fails_mentioning(parse_net_dev(net_dev(line_with_columns("wg0", columns))),
                           {"\"wg0\"", "line 3", "not an unsigned decimal",
                            "\"" + std::string{bad} + "\""});
  }
}

CAF_TEST(a carriage return after the last column fails) {
  check_fails_mentioning(parse_net_dev(net_dev("eth0: 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\r\n")),
                         {"\"eth0\"", "not an unsigned decimal"});
}

CAF_TEST(a counter one past the 64 bit maximum fails) {
  const std::string one_too_many = "18446744073709551616";
  for (auto column : {0, 5, 8, 15}) {
    CAF_MESSAGE("column " << column);
    std::string columns;
    for (auto i = 0; i < 16; ++i)
      columns += (i == column ? one_too_many : "1") + " ";
    check_fails_mentioning(parse_net_dev(net_dev(line_with_columns("eth0", columns))),
                           {"\"eth0\"", "line 3", "64 bits", one_too_many});
  }
}

CAF_TEST(a far too large counter fails) {
  auto text = net_dev(line_with_columns("eth0", "99999999999999999999999999 0 0 0 0 0 0 0 2 0 0 "
                                                "0 0 0 0 0"));
  check_fails_mentioning(parse_net_dev(text), {"\"eth0\"", "64 bits"});
}

CAF_TEST(an interface listed twice fails naming it and both lines) {
  auto text = net_dev(interface_line("eth0", 1, 2) + interface_line("wg0", 3, 4)
                      + interface_line("eth0", 5, 6));
  check_fails_mentioning(parse_net_dev(text), {"\"eth0\"", "twice", "3", "5"});
}

CAF_TEST(the first bad line is the one reported) {
  auto text = net_dev(interface_line("eth0", 1, 2) + "  eth1: 1 2\n" + "  eth2 no colon\n");
  check_fails_mentioning(parse_net_dev(text), {"\"eth1\"", "line 4"});
}

// ---- parse_boot_id ------------------------------------------------------------------------

CAF_TEST(a boot id loses its surrounding white space) {
  auto boot_id = parse_boot_id(" \t5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01\n\n");
  CAF_REQUIRE_EQUAL(boot_id.error, "");
  CAF_CHECK_EQUAL(*boot_id, "5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01");
}

CAF_TEST(a boot id without a newline or in capitals is kept as written) {
  auto boot_id = parse_boot_id("ABCDEF0123456789");
  CAF_REQUIRE_EQUAL(boot_id.error, "");
  CAF_CHECK_EQUAL(*boot_id, "ABCDEF0123456789");
}

CAF_TEST(an empty boot id fails) {
  check_fails_mentioning(parse_boot_id(""), {"empty"});
  check_fails_mentioning(parse_boot_id(" \n\t\n"), {"empty"});
}

CAF_TEST(a boot id of 64 characters is accepted and one of 65 fails) {
  const std::string longest(64, 'a');
  auto accepted = parse_boot_id(longest + "\n");
  CAF_REQUIRE_EQUAL(accepted.error, "");
  CAF_CHECK_EQUAL(*accepted, longest);
  check_fails_mentioning(parse_boot_id(longest + "b\n"), {"65", "64"});
}

CAF_TEST(a boot id with other characters fails) {
  for (auto bad : {"5d6c2d8g", "5d6c 2d8f", "5d6c_2d8f", "5d6c2d8f\n0c8e", "{5d6c2d8f}"}) {
    CAF_MESSAGE("boot id " << bad);
    check_fails_mentioning(parse_boot_id(bad), {"hex digits"});
  }
}

// ---- parse_default_route_interface --------------------------------------------------------

CAF_TEST(the default route names its interface) {
  auto text = route_header + route_line("eth0", "0000A8C0", "0001", "100", "00FFFFFF")
              + default_route("eth0", "100");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth0");
}

CAF_TEST(kernel lines padded with spaces are read) {
  auto padded = [](std::string line) {
    line.pop_back();
    line.resize(127, ' ');
    return line + "\n";
  };
  auto text = padded(route_header) + padded(route_line("ens3", "0000A8C0", "0001", "0", "00FFFFFF"))
              + padded(default_route("ens3", "0"));
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "ens3");
}

CAF_TEST(the lowest metric wins among several defaults) {
  auto text = route_header + default_route("wg0", "600") + default_route("eth1", "50")
              + default_route("eth0", "100");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth1");
}

CAF_TEST(the first default wins on equal metrics) {
  auto text = route_header + default_route("eth1", "100") + default_route("eth0", "100");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth1");
}

CAF_TEST(a metric the kernel printed negative is a large metric) {
  auto text = route_header + default_route("wg0", "-1") + default_route("eth0", "4000000000");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth0");
}

CAF_TEST(routes that are not default routes are ignored) {
  auto text = route_header + route_line("eth1", "0000A8C0", "0003", "0", "00000000")
              + route_line("eth2", "00000000", "0003", "0", "00FFFFFF")
              + route_line("eth3", "00000000", "0002", "0", "00000000")
              + route_line("*", "00000000", "0201", "0", "00000000") + default_route("eth0", "100");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth0");
}

CAF_TEST(a default route whose device is no interface name is skipped) {
  auto text = route_header + default_route("eth0:1", "0") + default_route("en p1", "0")
              + default_route("a234567890123456", "0") + default_route("eth0", "100");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth0");
  text = route_header + default_route("eth\f0", "0");
  CAF_CHECK_EQUAL(parse_default_route_interface(text).error, "no IPv4 default route");
}

CAF_TEST(interface names follow the kernel rule) {
  for (std::string name : {"eth0", "a23456789012345", "enp0s31f6.100", "wg-vpn", "*"}) {
    CAF_MESSAGE("valid: " << name);
    CAF_CHECK(is_interface_name(name));
  }
  for (std::string name :
       {"", ".", "..", "a234567890123456", "eth0:1", "a/b", "a b", "a\tb", "a\fb"}) {
    CAF_MESSAGE("invalid: " << name);
    CAF_CHECK(!is_interface_name(name));
  }
}

CAF_TEST(without a default route it fails) {
  auto text = route_header + route_line("eth0", "0000A8C0", "0001", "100", "00FFFFFF");
  check_fails_mentioning(parse_default_route_interface(text), {"no IPv4 default route"});
  CAF_CHECK_EQUAL(parse_default_route_interface(route_header).error, "no IPv4 default route");
  CAF_CHECK_EQUAL(parse_default_route_interface("").error, "no IPv4 default route");
}

CAF_TEST(a default route that is down does not count) {
  auto text = route_header + route_line("eth0", "00000000", "0002", "100", "00000000");
  CAF_CHECK_EQUAL(parse_default_route_interface(text).error, "no IPv4 default route");
}

CAF_TEST(malformed route lines are skipped) {
  auto text = route_header + "garbage\n" + "\n"
              + "eth9\t00000000\t0100A8C0\t0003\t0\t0\t1\n"                   // cut short
              + "eth8\t00000000\t0100A8C0\t0003\t0\t0\t1\t000\t0\t0\t0\n"     // short mask
              + "eth7\t0000000\t0100A8C0\t0003\t0\t0\t1\t00000000\t0\t0\t0\n" // short destination
              + route_line("eth6", "0000000G", "0003", "1", "00000000")
              + route_line("eth5", "00000000", "zz", "1", "00000000")
              + route_line("eth4", "00000000", "0003", "one", "00000000")
              + route_line("eth3", "00000000", "0003", "1.5", "00000000")
              + route_line("eth2", "00000000", "0003", "4294967296", "00000000")
              + route_line("eth10", "00000000", "0003", "-2147483649", "00000000")
              + "eth1\t00000000\t0100A8C0\t0003\t0\t0\t1\t00000000\t0\t0\t0\textra\n"
              + default_route("eth0", "4294967295");
  auto interface = parse_default_route_interface(text);
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth0");
}

CAF_TEST(only malformed lines mean no default route) {
  auto text = route_header + "eth9\t00000000\t0100A8C0\t0003\t0\t0\t1\n";
  CAF_CHECK_EQUAL(parse_default_route_interface(text).error, "no IPv4 default route");
}

// ---- reading files ------------------------------------------------------------------------

CAF_TEST(reads the counters of a proc tree) {
  test::fake_proc proc;
  proc.set_counters({{"eth0", 500, 700}, {"wg0", max_counter, 0}});
  auto table = read_net_dev(proc.root());
  CAF_REQUIRE_EQUAL(table.error, "");
  CAF_CHECK_EQUAL(*table, (std::vector<interface_counters>{{"lo", 1234, 1234},
                                                           {"eth0", 500, 700},
                                                           {"wg0", max_counter, 0}}));
}

CAF_TEST(a second read sees the rewritten counters) {
  test::fake_proc proc;
  proc.set_counters({{"eth0", 500, 700}, {"eth1", 1, 1}});
  CAF_REQUIRE(read_net_dev(proc.root()));
  proc.set_counters({{"eth0", 900, 1100}});
  auto table = read_net_dev(proc.root());
  CAF_REQUIRE_EQUAL(table.error, "");
  CAF_CHECK_EQUAL(*table,
                  (std::vector<interface_counters>{{"lo", 1234, 1234}, {"eth0", 900, 1100}}));
}

CAF_TEST(a missing counters file fails naming the path and the reason) {
  test::temp_dir root;
  check_fails_mentioning(read_net_dev(root.path()),
                         {root.path() + "/net/dev", std::strerror(ENOENT)});
}

CAF_TEST(a directory in place of the counters file fails) {
  test::temp_dir root;
  test::write_file(root.path() + "/net/dev/inside", "");
  check_fails_mentioning(read_net_dev(root.path()),
                         {root.path() + "/net/dev", std::strerror(EISDIR)});
}

CAF_TEST(an unparsable counters file fails naming the path and the problem) {
  test::fake_proc proc;
  test::write_file(proc.root() + "/net/dev", net_dev("  eth0: 1 2 3\n"));
  check_fails_mentioning(read_net_dev(proc.root()),
                         {proc.root() + "/net/dev: ", "\"eth0\"", "3 counter columns"});
}

CAF_TEST(reads the boot id of a proc tree and sees it change) {
  test::fake_proc proc;
  auto boot_id = read_boot_id(proc.root());
  CAF_REQUIRE_EQUAL(boot_id.error, "");
  CAF_CHECK_EQUAL(*boot_id, "5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01");
  proc.set_boot_id("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  boot_id = read_boot_id(proc.root());
  CAF_REQUIRE_EQUAL(boot_id.error, "");
  CAF_CHECK_EQUAL(*boot_id, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
}

CAF_TEST(a missing or bad boot id file fails naming the path) {
  test::temp_dir root;
  const auto path = root.path() + "/sys/kernel/random/boot_id";
  check_fails_mentioning(read_boot_id(root.path()), {path, std::strerror(ENOENT)});
  test::write_file(path, "\n");
  check_fails_mentioning(read_boot_id(root.path()), {path + ": ", "empty"});
}

CAF_TEST(reads the default route of a proc tree and sees it change) {
  test::fake_proc proc;
  auto interface = read_default_route_interface(proc.root());
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "eth0");
  test::write_file(proc.root() + "/net/route", route_header + default_route("ens5", "0"));
  interface = read_default_route_interface(proc.root());
  CAF_REQUIRE_EQUAL(interface.error, "");
  CAF_CHECK_EQUAL(*interface, "ens5");
}

CAF_TEST(a missing route file or one without a default fails naming the path) {
  test::temp_dir root;
  const auto path = root.path() + "/net/route";
  check_fails_mentioning(read_default_route_interface(root.path()), {path, std::strerror(ENOENT)});
  test::write_file(path, route_header);
  check_fails_mentioning(read_default_route_interface(root.path()),
                         {path + ": ", "no IPv4 default route"});
}

// ---- select_interfaces --------------------------------------------------------------------

CAF_TEST(selects wanted interfaces in the order wanted) {
  auto all = named({"lo", "eth0", "wg0", "eth1"});
  auto selection = select_interfaces(all, {"eth1", "lo", "eth0"});
  CAF_CHECK_EQUAL(selection.present, (std::vector<interface_counters>{all[3], all[0], all[1]}));
  CAF_CHECK(selection.missing.empty());
}

CAF_TEST(names the wanted interfaces that are missing) {
  auto all = named({"lo", "eth0"});
  auto selection = select_interfaces(all, {"ens3", "eth0", "wg0"});
  CAF_CHECK_EQUAL(selection.present, (std::vector<interface_counters>{all[1]}));
  CAF_CHECK_EQUAL(selection.missing, (std::vector<std::string>{"ens3", "wg0"}));
}

CAF_TEST(selecting from no interfaces finds every one missing) {
  auto selection = select_interfaces({}, {"eth0", "eth1"});
  CAF_CHECK(selection.present.empty());
  CAF_CHECK_EQUAL(selection.missing, (std::vector<std::string>{"eth0", "eth1"}));
}

CAF_TEST(wanting nothing selects nothing) {
  auto selection = select_interfaces(named({"lo", "eth0"}), {});
  CAF_CHECK(selection.present.empty());
  CAF_CHECK(selection.missing.empty());
}

CAF_TEST(an interface wanted twice is selected once) {
  auto all = named({"lo", "eth0"});
  auto selection = select_interfaces(all, {"eth0", "ens3", "eth0", "ens3"});
  CAF_CHECK_EQUAL(selection.present, (std::vector<interface_counters>{all[1]}));
  CAF_CHECK_EQUAL(selection.missing, (std::vector<std::string>{"ens3"}));
}

CAF_TEST(names match exactly) {
  auto selection = select_interfaces(named({"eth0.100", "Eth0"}), {"eth0"});
  CAF_CHECK(selection.present.empty());
  CAF_CHECK_EQUAL(selection.missing, (std::vector<std::string>{"eth0"}));
}

// ---- looks_like_container_network ---------------------------------------------------------

CAF_TEST(lo and eth0 alone look like a container network) {
  CAF_CHECK(looks_like_container_network(named({"lo", "eth0"})));
  CAF_CHECK(looks_like_container_network(named({"eth0", "lo"})));
  CAF_CHECK(looks_like_container_network(named({"eth0"})));
}

CAF_TEST(any other interface means a host network) {
  CAF_CHECK(!looks_like_container_network(named({"lo", "eth0", "eth1"})));
  CAF_CHECK(!looks_like_container_network(named({"lo", "eth0", "docker0"})));
  CAF_CHECK(!looks_like_container_network(named({"lo", "ens3"})));
  CAF_CHECK(!looks_like_container_network(named({"eth0.100", "lo"})));
}

CAF_TEST(no eth0 is not a container network) {
  CAF_CHECK(!looks_like_container_network(named({"lo"})));
  CAF_CHECK(!looks_like_container_network({}));
}

// ---- uptime -------------------------------------------------------------------------------

CAF_TEST(uptime is the whole seconds of the first number) {
  CAF_CHECK_EQUAL(parse_uptime("350735.47 234388.90\n").value,
                  std::optional<std::chrono::seconds>{350735});
  CAF_CHECK_EQUAL(parse_uptime("0.99 0.00\n").value, std::optional<std::chrono::seconds>{0});
  CAF_CHECK_EQUAL(parse_uptime("  12 7").value, std::optional<std::chrono::seconds>{12});
}

CAF_TEST(a malformed uptime fails saying why) {
  for (const char* text :
       {"", "\n", "abc 1.0", "-5.00 1.00", "1.2.3 4.00", "12. 3", ".5 3", "1.00", "1.00 2.00 3.00",
        "99999999999999999999.00 1.00", "1e5 2.00", "+5.00 1.00"}) {
    const auto parsed = parse_uptime(text);
    CAF_CHECK(!parsed);
    CAF_CHECK(!parsed.error.empty());
  }
}

CAF_TEST(reads the uptime of a proc tree and fails naming the path without one) {
  test::fake_proc proc;
  test::write_file(proc.root() + "/uptime", "4242.42 100.00\n");
  CAF_CHECK_EQUAL(read_uptime(proc.root()).value, std::optional<std::chrono::seconds>{4242});
  test::write_file(proc.root() + "/uptime", "garbage\n");
  CAF_CHECK(read_uptime(proc.root()).error.find(proc.root() + "/uptime") != std::string::npos);
  CAF_CHECK(read_uptime(proc.root() + "/nowhere").error.find("/nowhere/uptime")
            != std::string::npos);
}

// ---- likely_meant -------------------------------------------------------------------------

CAF_TEST(a name one slip away from an existing interface is a likely typo) {
  CAF_CHECK_EQUAL(likely_meant("eht0", {"lo", "eth0"}), std::optional<std::string>{"eth0"});
  CAF_CHECK_EQUAL(likely_meant("eth", {"lo", "eth0"}), std::optional<std::string>{"eth0"});
  CAF_CHECK_EQUAL(likely_meant("etth0", {"lo", "eth0"}), std::optional<std::string>{"eth0"});
  CAF_CHECK_EQUAL(likely_meant("ens4", {"lo", "ens3"}), std::nullopt);
  CAF_CHECK_EQUAL(likely_meant("eth1", {"lo", "eth0"}), std::nullopt);
  CAF_CHECK_EQUAL(likely_meant("ens3", {"lo", "eth0"}), std::nullopt);
  CAF_CHECK_EQUAL(likely_meant("enz3", {"lo", "ens3"}), std::optional<std::string>{"ens3"});
}
