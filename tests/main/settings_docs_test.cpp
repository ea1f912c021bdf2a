// The settings the documentation lists are the ones the program reads: the README's tables of
// settings (in English and in Chinese) name every variable of the configuration table and no
// other, and the compose file and its README tables set only variables that exist.
#define CAF_SUITE settings_docs
#include <caf/test/unit_test.hpp>

#include "main/config.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace tmon;

namespace {

using names = std::set<std::string>;

std::string source_file(const std::string& path) {
  std::ifstream in{std::string{TMON_SOURCE_DIR} + "/" + path};
  CAF_MESSAGE("reading " << path);
  CAF_REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The variables named in the first column of the first table after `marker`; a cell may
// name several, each in backquotes.
names table_after(const std::string& text, const std::string& marker) {
  auto at = text.find(marker);
  CAF_REQUIRE(at != std::string::npos);
  std::istringstream lines{text.substr(at)};
  names found;
  bool in_table = false;
  const std::regex quoted_name{"`([A-Z_]+)`"};
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("|", 0) != 0) {
      if (in_table)
        break;
      continue;
    }
    in_table = true;
    const auto first_cell = line.substr(1, line.find('|', 1) - 1);
    for (std::sregex_iterator it{first_cell.begin(), first_cell.end(), quoted_name}, end; it != end;
         ++it)
      found.insert((*it)[1]);
  }
  return found;
}

// The variables the compose file sets under `environment:`.
names compose_environment() {
  std::istringstream lines{source_file("deploy/docker-compose.yml")};
  names found;
  const std::regex setting{"^      ([A-Z_]+): .*"};
  std::smatch match;
  for (std::string line; std::getline(lines, line);)
    if (std::regex_match(line, match, setting))
      found.insert(match[1]);
  return found;
}

names configuration_table() {
  auto all = config_variable_names();
  return {all.begin(), all.end()};
}

// The names in `some` that are not in `all`.
std::vector<std::string> missing_from(const names& all, const names& some) {
  std::vector<std::string> missing;
  std::set_difference(some.begin(), some.end(), all.begin(), all.end(),
                      std::back_inserter(missing));
  return missing;
}

const std::vector<std::string> none;

} // namespace

CAF_TEST(the configuration table names every setting once) {
  auto all = config_variable_names();
  CAF_CHECK_EQUAL(configuration_table().size(), all.size());
  for (const char* name : {"TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE", "TELEGRAM_CHAT_ID_FILE",
                           "TZ", "LOG_FILE", "MAX_BANDWIDTH_MBIT"})
    CAF_CHECK(std::find(all.begin(), all.end(), name) != all.end());
}

CAF_TEST(the README settings tables list exactly the variables of the configuration) {
  const auto readme = source_file("README.md");
  const auto table = configuration_table();
  for (const char* marker : {"## Settings (environment variables)", "**设置（环境变量）**"}) {
    CAF_MESSAGE(marker);
    const auto documented = table_after(readme, marker);
    CAF_CHECK_EQUAL(missing_from(documented, table), none);
    CAF_CHECK_EQUAL(missing_from(table, documented), none);
  }
}

// The compose file sets a chosen few, not every variable; those it sets must exist, and its
// README tables must list exactly those.
CAF_TEST(the compose file sets only variables of the configuration and the README says which) {
  const auto compose = compose_environment();
  CAF_REQUIRE(compose.size() >= 10);
  CAF_CHECK_EQUAL(missing_from(configuration_table(), compose), none);
  const auto readme = source_file("README.md");
  for (const char* marker : {"### Variables in the compose file", "**compose 文件中的变量**"}) {
    CAF_MESSAGE(marker);
    const auto documented = table_after(readme, marker);
    CAF_CHECK_EQUAL(missing_from(documented, compose), none);
    CAF_CHECK_EQUAL(missing_from(compose, documented), none);
  }
}
