/* Setting the wall clock (CLOCK_REALTIME, core/time.h) from the CMOS RTC at boot. */
#ifndef CORE_WALLTIME_H
#define CORE_WALLTIME_H

/* Read the RTC once and set the realtime clock; without a usable RTC the wall clock starts at
 * the epoch (logged). Needs the monotonic clock. */
void walltime_init(void);

#endif
