/* Self-tests of the RTC driver: the date arithmetic against known instants, and a sane read of
 * the emulated chip. */
#include <drivers/rtc.h>
#include <core/ktest.h>

#define YEAR_MIN_SANE 2024

KTEST(rtc_date_to_unix)
{
	struct rtc_time epoch = { 1970, 1, 1, 0, 0, 0 };
	struct rtc_time leap = { 2000, 2, 29, 12, 0, 0 };
	struct rtc_time y2038 = { 2038, 1, 19, 3, 14, 7 };
	KEXPECT(rtc_time_to_unix(&epoch) == 0);
	KEXPECT(rtc_time_to_unix(&leap) == 951825600);
	KEXPECT(rtc_time_to_unix(&y2038) == 2147483647);
}

KTEST(rtc_read_sane)
{
	struct rtc_time now;
	if (!KEXPECT(rtc_read(&now) == 0))
		return;
	KEXPECT(now.year >= YEAR_MIN_SANE && now.year < 2100);
	KEXPECT(now.month >= 1 && now.month <= 12 && now.day >= 1 && now.day <= 31);
	KEXPECT(now.hour < 24 && now.min < 60 && now.sec < 60);
}
