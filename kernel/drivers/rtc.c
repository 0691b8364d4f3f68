/* CMOS RTC driver: the registers are read until two consecutive reads agree outside an update
 * cycle (the chip updates its registers once a second; reading across that yields a torn
 * time), then decoded according to status register B. */
#include <drivers/rtc.h>
#include <arch/x86_64/io.h>
#include <core/spinlock.h>
#include <uapi/errno.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_STATUS_A 0x0a
#define REG_STATUS_B 0x0b
#define STATUS_A_UIP 0x80 /* update in progress: registers may be torn */
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80 /* 12-hour mode: set for p.m. */
#define UIP_SPIN_LIMIT 1000000 /* an update lasts under 2 ms */
#define READ_ATTEMPTS 8
/* Two-digit years are taken as 20xx: the century register is not at a standard index on
 * every machine (ACPI FADT names it), and this kernel postdates 1999. */
#define CENTURY_BASE 2000

#define DAYS_PER_ERA 146097 /* 400 Gregorian years */
#define DAYS_0000_TO_1970 719468 /* from 0000-03-01, the civil-from-days epoch */
#define SECS_PER_DAY 86400

/* Guards the index/data port pair (the index selects what the data port reads). */
static struct spinlock rtc_lock = SPINLOCK_INIT("rtc");

struct rtc_raw {
	uint8_t sec, min, hour, day, month, year;
};

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static bool wait_no_update(void)
{
	for (int i = 0; i < UIP_SPIN_LIMIT; i++)
		if (!(cmos_read(REG_STATUS_A) & STATUS_A_UIP))
			return true;
	return false;
}

static void raw_read(struct rtc_raw *r)
{
	r->sec = cmos_read(REG_SECONDS);
	r->min = cmos_read(REG_MINUTES);
	r->hour = cmos_read(REG_HOURS);
	r->day = cmos_read(REG_DAY);
	r->month = cmos_read(REG_MONTH);
	r->year = cmos_read(REG_YEAR);
}

static bool raw_equal(const struct rtc_raw *a, const struct rtc_raw *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->month == b->month && a->year == b->year;
}

static int bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

static void decode(const struct rtc_raw *r, uint8_t status_b, struct rtc_time *t)
{
	bool binary = status_b & STATUS_B_BINARY;
	bool pm = !(status_b & STATUS_B_24H) && (r->hour & HOUR_PM);
	uint8_t hour = (status_b & STATUS_B_24H) ? r->hour : (uint8_t)(r->hour & ~HOUR_PM);
	t->sec = binary ? r->sec : bcd(r->sec);
	t->min = binary ? r->min : bcd(r->min);
	t->hour = binary ? hour : bcd(hour);
	t->day = binary ? r->day : bcd(r->day);
	t->month = binary ? r->month : bcd(r->month);
	t->year = CENTURY_BASE + (binary ? r->year : bcd(r->year));
	if (!(status_b & STATUS_B_24H)) /* 12 a.m. is hour 0, 12 p.m. hour 12 */
		t->hour = t->hour % 12 + (pm ? 12 : 0);
}

static bool plausible(const struct rtc_time *t)
{
	return t->month >= 1 && t->month <= 12 && t->day >= 1 && t->day <= 31 && t->hour < 24 &&
	       t->min < 60 && t->sec < 60 && t->year < CENTURY_BASE + 100;
}

/* Under rtc_lock. */
static int read_stable_locked(struct rtc_raw *r, uint8_t *status_b)
{
	spin_assert_held(&rtc_lock);
	struct rtc_raw again;
	for (int i = 0; i < READ_ATTEMPTS; i++) {
		if (!wait_no_update())
			return -EIO;
		raw_read(r);
		if (!wait_no_update())
			return -EIO;
		raw_read(&again);
		if (raw_equal(r, &again)) {
			*status_b = cmos_read(REG_STATUS_B);
			return 0;
		}
	}
	return -EIO;
}

int rtc_read(struct rtc_time *t)
{
	struct rtc_raw r;
	uint8_t status_b;
	uint64_t flags = spin_lock_irqsave(&rtc_lock);
	int err = read_stable_locked(&r, &status_b);
	spin_unlock_irqrestore(&rtc_lock, flags);
	if (err)
		return err;
	decode(&r, status_b, t);
	return plausible(t) ? 0 : -EIO;
}

/* Days from 1970-01-01 (H. Hinnant's days_from_civil: years start on March 1st so that the
 * leap day is the last day of the year). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * DAYS_PER_ERA + doe - DAYS_0000_TO_1970;
}

int64_t rtc_time_to_unix(const struct rtc_time *t)
{
	return days_from_civil(t->year, t->month, t->day) * SECS_PER_DAY + t->hour * 3600 +
	       t->min * 60 + t->sec;
}
