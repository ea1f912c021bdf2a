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
