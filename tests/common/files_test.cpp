#define CAF_SUITE files
#include <caf/test/unit_test.hpp>

#include <cerrno>
#include <filesystem>
#include <string>

#include <sys/stat.h>

#include "common/files.hpp"
#include "test_support.hpp"

using namespace tmon;

namespace {

struct fixture {
  test::temp_dir dir;
  std::string path = dir.path() + "/file";
};

} // namespace

CAF_TEST(a failed step is one sentence with the reason of the system) {
  CAF_CHECK_EQUAL(cannot_sentence("open", "/x/y", ENOENT),
                  "cannot open /x/y: No such file or directory");
  CAF_CHECK_EQUAL(cannot_sentence("rename /a to", "/b", EISDIR),
                  "cannot rename /a to /b: Is a directory");
}

CAF_TEST(proc files are read to their end though their size shows as zero) {
  struct stat info {};
  CAF_REQUIRE_EQUAL(::stat("/proc/self/status", &info), 0);
  CAF_REQUIRE_EQUAL(info.st_size, 0);
  const auto text = read_file("/proc/self/status");
  CAF_REQUIRE(text);
  CAF_CHECK_EQUAL(text->rfind("Name:", 0), 0u);
}

CAF_TEST_FIXTURE_SCOPE(files_on_disk, fixture)

CAF_TEST(a file is read whole) {
  const std::string large(200'000, 'x');
  test::write_file(path, "first\nsecond\n" + large);
  const auto text = read_file(path);
  CAF_REQUIRE(text);
  CAF_CHECK_EQUAL(*text, "first\nsecond\n" + large);
  CAF_CHECK_EQUAL(read_file(dir.path() + "/empty").error,
                  "cannot open " + dir.path() + "/empty: No such file or directory");
  test::write_file(dir.path() + "/empty", "");
  CAF_CHECK(read_file(dir.path() + "/empty").value == std::string{});
}

CAF_TEST(reading names the step that failed) {
  CAF_CHECK_EQUAL(read_file(path).error, "cannot open " + path + ": No such file or directory");
  CAF_CHECK_EQUAL(read_file(dir.path()).error, "cannot read " + dir.path() + ": Is a directory");
  test::write_file(path, "plain");
  CAF_CHECK_EQUAL(read_file(path + "/below").error,
                  "cannot open " + path + "/below: Not a directory");
}

CAF_TEST(a fifo without a writer reads as empty instead of blocking) {
  CAF_REQUIRE_EQUAL(::mkfifo(path.c_str(), 0600), 0);
  const auto text = read_file(path);
  CAF_REQUIRE(text);
  CAF_CHECK_EQUAL(*text, "");
}

CAF_TEST(a missing file is no failure when it may be absent) {
  const auto absent = read_file_if_present(path);
  CAF_REQUIRE(absent);
  CAF_CHECK(!*absent);
  test::write_file(path, "present");
  const auto present = read_file_if_present(path);
  CAF_REQUIRE(present);
  CAF_CHECK(*present == std::string{"present"});
  CAF_CHECK_EQUAL(read_file_if_present(dir.path()).error,
                  "cannot read " + dir.path() + ": Is a directory");
}

CAF_TEST(replacing writes the new text and leaves no temporary file) {
  CAF_REQUIRE(replace_file(path, "first"));
  CAF_CHECK_EQUAL(test::read_file(path), "first");
  CAF_REQUIRE(replace_file(path, "second, longer than the first"));
  CAF_CHECK_EQUAL(test::read_file(path), "second, longer than the first");
  CAF_CHECK(!test::file_exists(path + ".tmp"));
}

CAF_TEST(a replaced file may be read by everyone) {
  CAF_REQUIRE(replace_file(path, "figures"));
  struct stat info {};
  CAF_REQUIRE_EQUAL(::stat(path.c_str(), &info), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  CAF_CHECK_EQUAL(info.st_mode & 0777, 0644u & ~mask);
}

CAF_TEST(a temporary file left by a crash is reused) {
  test::write_file(path + ".tmp", "half written by a killed process, longer than the new text");
  CAF_REQUIRE(replace_file(path, "new"));
  CAF_CHECK_EQUAL(test::read_file(path), "new");
  CAF_CHECK(!test::file_exists(path + ".tmp"));
}

CAF_TEST(a file that cannot be created leaves the old one) {
  test::write_file(path, "old");
  test::write_file(path + ".tmp/blocker", "x");
  const auto replaced = replace_file(path, "new");
  CAF_CHECK(!replaced);
  CAF_CHECK_EQUAL(replaced.error, "cannot create " + path + ".tmp: Is a directory");
  CAF_CHECK_EQUAL(test::read_file(path), "old");
  const std::string missing = dir.path() + "/absent/file";
  CAF_CHECK_EQUAL(replace_file(missing, "new").error,
                  "cannot create " + missing + ".tmp: No such file or directory");
}

CAF_TEST(a failed rename removes the temporary file) {
  test::write_file(path + "/inside", "kept");
  const auto replaced = replace_file(path, "new");
  CAF_CHECK_EQUAL(replaced.error, "cannot rename " + path + ".tmp to " + path + ": Is a directory");
  CAF_CHECK(!test::file_exists(path + ".tmp"));
  CAF_CHECK_EQUAL(test::read_file(path + "/inside"), "kept");
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(remove_file_if_present removes a file and accepts none) {
  test::temp_dir dir;
  const auto path = dir.path() + "/flag";
  test::write_file(path, "x");
  CAF_CHECK(remove_file_if_present(path));
  CAF_CHECK(!test::file_exists(path));
  CAF_CHECK(remove_file_if_present(path));
  const auto refused = remove_file_if_present(dir.path() + "/missing/dir/flag");
  CAF_CHECK(refused);
  std::filesystem::create_directories(dir.path() + "/busy/inner");
  const auto not_empty = remove_file_if_present(dir.path() + "/busy");
  CAF_REQUIRE(!not_empty);
  CAF_CHECK(not_empty.error.find("cannot remove") == 0);
}
