// Local calendar dates and times of instants, for people and file names. Local time is the
// process's time zone (TZ), read through the C library.
#pragma once

#include <ctime>
#include <string>

#include "common/moment.hpp"

namespace tmon {

// The local civil date and time of `t`, with its offset from UTC in tm_gmtoff.
std::tm local_civil(moment t);

// Months from the local calendar month of `from` to that of `to`: 2 from any day of
// January to any day of March; negative when `to` is in an earlier month.
int local_months_between(moment from, moment to);

std::string local_date(moment t); // "2026-02-28"

// The local date `days` days after that of `t` (before it when negative), by the calendar:
// a 23- or 25-hour day is one day like any other.
std::string local_date_after(moment t, int days);

// The first second of the local day of `t`; 00:00 unless a daylight-saving change skips it.
moment local_day_start(moment t);
std::string local_iso8601(moment t);       // "2026-02-28T23:59:50+08:00"
std::string compact_local_stamp(moment t); // "20260228T235950"
std::string local_minute(moment t);        // "2026-02-28 23:59 (UTC+08:00)"

// An offset east of UTC as ISO 8601 writes it: "+08:00", "-05:00", "+05:30".
std::string utc_offset_text(int minutes_east);

// The local time's offset from UTC at `t`, as utc_offset_text writes it.
std::string local_utc_offset(moment t);

} // namespace tmon
