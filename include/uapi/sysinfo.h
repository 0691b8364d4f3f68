/* Linux struct sysinfo (x86_64), as sysinfo(2) fills it. */
#ifndef UAPI_SYSINFO_H
#define UAPI_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

#define SYSINFO_LOADS 3
#define SYSINFO_LOAD_SHIFT 16 /* loads[] are fixed point, 1.0 = 1 << 16 */

struct linux_sysinfo {
	int64_t uptime; /* seconds since boot */
	uint64_t loads[SYSINFO_LOADS]; /* 1, 5, 15 minute load averages */
	uint64_t totalram, freeram, sharedram, bufferram; /* in mem_unit bytes */
	uint64_t totalswap, freeswap;
	uint16_t procs;
	uint16_t pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	/* Linux's char _f[20 - 2 * sizeof(long) - sizeof(int)] is empty on x86_64; the struct
	 * ends in 4 bytes of padding. */
};
_Static_assert(sizeof(struct linux_sysinfo) == 112, "sysinfo layout");
_Static_assert(offsetof(struct linux_sysinfo, procs) == 80, "sysinfo layout");
_Static_assert(offsetof(struct linux_sysinfo, mem_unit) == 104, "sysinfo layout");

#endif
