/* sysinfo(2): uptime, load averages (sched/stats.h) and memory from the kernel's own counters.
 * There is no swap, and the process count waits for a count of kernel threads (1). */
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <mm/layout.h>
#include <mm/phys.h>
#include <sched/stats.h>
#include <uapi/sysinfo.h>

#define PROCS_UNKNOWN 1

SYSCALL_DEFINE1(sysinfo, struct linux_sysinfo __user *, info)
{
	struct linux_sysinfo si = { 0 };
	uint64_t now = time_monotonic_ns();
	/* Linux rounds a partial second up. */
	si.uptime = (int64_t)(now / NSEC_PER_SEC + (now % NSEC_PER_SEC ? 1 : 0));
	si.totalram = phys_total_count() * PAGE_SIZE;
	si.freeram = phys_free_count() * PAGE_SIZE;
	uint64_t avg[SYSINFO_LOADS];
	sched_stats_loadavg(avg);
	for (int i = 0; i < SYSINFO_LOADS; i++)
		si.loads[i] = avg[i] << (SYSINFO_LOAD_SHIFT - LOADAVG_FSHIFT);
	si.procs = PROCS_UNKNOWN;
	si.mem_unit = 1;
	return copy_to_user(info, &si, sizeof(si));
}
