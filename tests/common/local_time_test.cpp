#define CAF_SUITE local_time
#include <caf/test/unit_test.hpp>

#include "common/local_time.hpp"
#include "test_support.hpp"

using namespace tmon;
using tmon::test::scoped_time_zone;
using tmon::test::utc;

CAF_TEST(local dates and stamps use the local calendar) {
  scoped_time_zone zone("Asia/Shanghai");
  CAF_CHECK_EQUAL(local_date(utc(2026, 2, 28, 15, 59, 50)), "2026-02-28");
  CAF_CHECK_EQUAL(local_date(utc(2026, 2, 28, 16)), "2026-03-01");
  CAF_CHECK_EQUAL(local_iso8601(utc(2026, 2, 28, 15, 59, 50)), "2026-02-28T23:59:50+08:00");
  CAF_CHECK_EQUAL(compact_local_stamp(utc(2026, 2, 28, 15, 59, 50)), "20260228T235950");
  CAF_CHECK_EQUAL(compact_local_stamp(utc(2026, 1, 4, 22, 3, 4)), "20260105T060304");
}

CAF_TEST(iso8601 carries the offset of the instant) {
  {
    scoped_time_zone zone("UTC");
    CAF_CHECK_EQUAL(local_iso8601(utc(2026, 7, 1, 12, 34, 56)), "2026-07-01T12:34:56+00:00");
  }
  {
    scoped_time_zone zone("America/New_York");
    CAF_CHECK_EQUAL(local_iso8601(utc(2026, 1, 15, 12)), "2026-01-15T07:00:00-05:00");
    CAF_CHECK_EQUAL(local_iso8601(utc(2026, 7, 15, 12)), "2026-07-15T08:00:00-04:00");
  }
  {
    scoped_time_zone zone("Asia/Kolkata");
    CAF_CHECK_EQUAL(local_iso8601(utc(2026, 7, 15, 12)), "2026-07-15T17:30:00+05:30");
  }
  {
    scoped_time_zone zone("America/St_Johns");
    CAF_CHECK_EQUAL(local_iso8601(utc(2026, 1, 15, 12)), "2026-01-15T08:30:00-03:30");
  }
}

CAF_TEST(a local minute names the offset) {
  scoped_time_zone zone("Asia/Shanghai");
  CAF_CHECK_EQUAL(local_minute(utc(2026, 2, 28, 15, 59, 50)), "2026-02-28 23:59 (UTC+08:00)");
}

CAF_TEST(utc offsets are written with a sign hours and minutes) {
  CAF_CHECK_EQUAL(utc_offset_text(0), "+00:00");
  CAF_CHECK_EQUAL(utc_offset_text(8 * 60), "+08:00");
  CAF_CHECK_EQUAL(utc_offset_text(-5 * 60), "-05:00");
  CAF_CHECK_EQUAL(utc_offset_text(5 * 60 + 30), "+05:30");
  CAF_CHECK_EQUAL(utc_offset_text(-(3 * 60 + 30)), "-03:30");
  CAF_CHECK_EQUAL(utc_offset_text(14 * 60), "+14:00");
}

CAF_TEST(the local utc offset follows daylight saving) {
  scoped_time_zone zone("America/New_York");
  CAF_CHECK_EQUAL(local_utc_offset(utc(2026, 1, 15, 12)), "-05:00");
  CAF_CHECK_EQUAL(local_utc_offset(utc(2026, 7, 15, 12)), "-04:00");
}

CAF_TEST(the local civil time carries the local date and offset) {
  scoped_time_zone zone("Asia/Kolkata");
  const std::tm civil = local_civil(utc(2026, 12, 31, 20));
  CAF_CHECK_EQUAL(civil.tm_year + 1900, 2027);
  CAF_CHECK_EQUAL(civil.tm_mon + 1, 1);
  CAF_CHECK_EQUAL(civil.tm_mday, 1);
  CAF_CHECK_EQUAL(civil.tm_hour, 1);
  CAF_CHECK_EQUAL(civil.tm_min, 30);
  CAF_CHECK_EQUAL(civil.tm_gmtoff, 5 * 3600 + 30 * 60);
}

CAF_TEST(months between counts local calendar months) {
  scoped_time_zone zone("Asia/Shanghai");
  CAF_CHECK_EQUAL(local_months_between(utc(2026, 1, 1), utc(2026, 3, 31)), 2);
  CAF_CHECK_EQUAL(local_months_between(utc(2026, 1, 31), utc(2026, 2, 1)), 1);
  CAF_CHECK_EQUAL(local_months_between(utc(2026, 5, 10), utc(2026, 5, 20)), 0);
  CAF_CHECK_EQUAL(local_months_between(utc(2026, 11, 15), utc(2027, 2, 15)), 3);
  CAF_CHECK_EQUAL(local_months_between(utc(2026, 3, 15), utc(2026, 1, 15)), -2);
  // 2026-01-31 16:00 UTC is already February 1st in Shanghai.
  CAF_CHECK_EQUAL(local_months_between(utc(2026, 1, 31, 15, 59, 59), utc(2026, 1, 31, 16)), 1);
}

CAF_TEST(dates after and before follow the calendar across months years and clock changes) {
  test::scoped_time_zone zone{"Europe/Berlin"};
  const auto eve = test::local(2026, 12, 31, 23, 59, 59);
  CAF_CHECK_EQUAL(local_date_after(eve, 0), "2026-12-31");
  CAF_CHECK_EQUAL(local_date_after(eve, 1), "2027-01-01");
  CAF_CHECK_EQUAL(local_date_after(test::local(2026, 3, 1, 0, 30), -1), "2026-02-28");
  CAF_CHECK_EQUAL(local_date_after(test::local(2028, 3, 1, 0, 30), -1), "2028-02-29");
  // Across the 23-hour 29 March and the 25-hour 25 October, at the edges of the day.
  CAF_CHECK_EQUAL(local_date_after(test::local(2026, 3, 30, 0, 0, 1), -1), "2026-03-29");
  CAF_CHECK_EQUAL(local_date_after(test::local(2026, 3, 28, 23, 59, 59), 1), "2026-03-29");
  CAF_CHECK_EQUAL(local_date_after(test::local(2026, 10, 26, 0, 0, 0), -1), "2026-10-25");
  CAF_CHECK_EQUAL(local_date_after(test::local(2026, 10, 25, 23, 59, 59), 1), "2026-10-26");
  CAF_CHECK_EQUAL(local_date_after(test::local(2026, 11, 8, 6), -7), "2026-11-01");
}

CAF_TEST(the day starts at local midnight whatever its length) {
  test::scoped_time_zone zone{"Europe/Berlin"};
  CAF_CHECK_EQUAL(local_day_start(test::local(2026, 3, 29, 23, 30)), test::local(2026, 3, 29));
  CAF_CHECK_EQUAL(local_day_start(test::local(2026, 10, 25, 23, 30)), test::local(2026, 10, 25));
  CAF_CHECK_EQUAL(local_day_start(test::local(2026, 11, 1)), test::local(2026, 11, 1));
  test::scoped_time_zone shanghai{"Asia/Shanghai"};
  CAF_CHECK_EQUAL(local_day_start(test::utc(2026, 11, 30, 15, 59, 59)),
                  test::utc(2026, 11, 29, 16));
  CAF_CHECK_EQUAL(local_day_start(test::utc(2026, 11, 30, 16)), test::utc(2026, 11, 30, 16));
}

CAF_TEST(a day that begins at one in the morning starts then) {
  // Santiago moves its clocks forward at midnight: 6 September 2026 has no 00:00.
  test::scoped_time_zone zone{"America/Santiago"};
  const auto noon = test::local(2026, 9, 6, 12);
  const auto start = local_day_start(noon);
  CAF_CHECK_EQUAL(local_date(start), "2026-09-06");
  CAF_CHECK_EQUAL(local_date(start - std::chrono::seconds{1}), "2026-09-05");
}
