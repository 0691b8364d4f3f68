/* The wall clock's starting point: the CMOS RTC, read once at boot, handed to core/time.c
 * (time_set_realtime), which keeps realtime as an offset from the monotonic clock. */
#include <core/walltime.h>
#include <core/printk.h>
#include <core/time.h>
#include <drivers/rtc.h>

void walltime_init(void)
{
	struct rtc_time t;
	if (rtc_read(&t) != 0) {
		pr_warn("walltime: no usable RTC; the wall clock starts at 1970-01-01\n");
		return;
	}
	int64_t secs = rtc_time_to_unix(&t);
	if (secs < 0)
		return;
	time_set_realtime((uint64_t)secs * NSEC_PER_SEC);
	pr_info("walltime: %04d-%02d-%02d %02d:%02d:%02d UTC from the RTC\n", t.year, t.month,
		t.day, t.hour, t.min, t.sec);
}
