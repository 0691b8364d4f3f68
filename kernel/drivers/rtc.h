/* The CMOS real-time clock (MC146818-compatible, ports 0x70/0x71): read once at boot to give
 * CLOCK_REALTIME its starting point. */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include <stdint.h>

struct rtc_time {
	int year; /* full year, e.g. 2025 */
	int month; /* 1..12 */
	int day; /* 1..31 */
	int hour, min, sec; /* 24-hour clock, UTC as the firmware keeps it */
};

/* Read the clock (decoding BCD or binary, 12- or 24-hour mode, waiting out an update in
 * progress). 0, or -EIO when the chip gives no stable, plausible time. */
int rtc_read(struct rtc_time *t);
/* Seconds since 1970-01-01 00:00:00 UTC for a valid date (pure: proleptic Gregorian). */
int64_t rtc_time_to_unix(const struct rtc_time *t);

#endif
