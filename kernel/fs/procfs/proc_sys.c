/* procfs's system-wide files in Linux's formats (proc(5)): meminfo, cpuinfo, uptime, loadavg,
 * stat, mounts, version and filesystems, and the table of the root directory's fixed names. */
#include <fs/procfs/proc_internal.h>
#include <block/blkdev.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/tsc.h>
#include <core/time.h>
#include <core/uname.h>
#include <fs/fs_context.h>
#include <fs/locks.h>
#include <fs/vfs_ops.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/phys.h>
#include <sched/stats.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>

#define PAGES_KB(n) ((n) * (PAGE_SIZE / 1024))
#define MEMINFO_LABEL_WIDTH 16
#define MOUNTS_BATCH 32
#define VIRTUAL_ADDRESS_BITS 48 /* 4-level paging, whatever the CPU could do (LA57) */

/* ---- meminfo ------------------------------------------------------------------------------- */

static void meminfo_line(struct proc_text *t, const char *label, uint64_t kb)
{
	proc_printf(t, "%-*s%8lu kB\n", MEMINFO_LABEL_WIDTH, label, kb);
}

/* Zero-OS has no page cache, swap or reclaimable slab: free memory is what is available, and
 * tmpfs pages count as used (not as Cached/Shmem, which nothing tracks yet). */
static int show_meminfo(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	uint64_t total = PAGES_KB(phys_total_count()), free = PAGES_KB(phys_free_count());
	static const char *const zero[] = {
		"Buffers:", "Cached:", "SwapCached:", "Active:", "Inactive:", "SwapTotal:",
		"SwapFree:", "Dirty:", "Writeback:", "AnonPages:", "Mapped:", "Shmem:",
		"KReclaimable:", "Slab:", "SReclaimable:", "SUnreclaim:",
	};
	meminfo_line(t, "MemTotal:", total);
	meminfo_line(t, "MemFree:", free);
	meminfo_line(t, "MemAvailable:", free);
	for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
		meminfo_line(t, zero[i], 0);
	return 0;
}

/* ---- cpuinfo ------------------------------------------------------------------------------- */

enum { REG_EAX, REG_EBX, REG_ECX, REG_EDX };

/* A CPUID feature bit and the name Linux gives it in /proc/cpuinfo's flags. */
struct cpu_flag {
	uint32_t leaf;
	uint8_t reg, bit;
	const char *name;
};

#define EXT 0x80000000u
static const struct cpu_flag cpu_flags[] = {
	{ 1, REG_EDX, 0, "fpu" }, { 1, REG_EDX, 1, "vme" }, { 1, REG_EDX, 2, "de" },
	{ 1, REG_EDX, 3, "pse" }, { 1, REG_EDX, 4, "tsc" }, { 1, REG_EDX, 5, "msr" },
	{ 1, REG_EDX, 6, "pae" }, { 1, REG_EDX, 7, "mce" }, { 1, REG_EDX, 8, "cx8" },
	{ 1, REG_EDX, 9, "apic" }, { 1, REG_EDX, 11, "sep" }, { 1, REG_EDX, 12, "mtrr" },
	{ 1, REG_EDX, 13, "pge" }, { 1, REG_EDX, 14, "mca" }, { 1, REG_EDX, 15, "cmov" },
	{ 1, REG_EDX, 16, "pat" }, { 1, REG_EDX, 17, "pse36" }, { 1, REG_EDX, 19, "clflush" },
	{ 1, REG_EDX, 23, "mmx" }, { 1, REG_EDX, 24, "fxsr" }, { 1, REG_EDX, 25, "sse" },
	{ 1, REG_EDX, 26, "sse2" }, { 1, REG_EDX, 27, "ss" }, { 1, REG_EDX, 28, "ht" },
	{ EXT + 1, REG_EDX, 11, "syscall" }, { EXT + 1, REG_EDX, 20, "nx" },
	{ EXT + 1, REG_EDX, 22, "mmxext" }, { EXT + 1, REG_EDX, 25, "fxsr_opt" },
	{ EXT + 1, REG_EDX, 26, "pdpe1gb" }, { EXT + 1, REG_EDX, 27, "rdtscp" },
	{ EXT + 1, REG_EDX, 29, "lm" }, { 1, REG_ECX, 0, "pni" }, { 1, REG_ECX, 1, "pclmulqdq" },
	{ 1, REG_ECX, 3, "monitor" }, { 1, REG_ECX, 5, "vmx" }, { 1, REG_ECX, 9, "ssse3" },
	{ 1, REG_ECX, 12, "fma" }, { 1, REG_ECX, 13, "cx16" }, { 1, REG_ECX, 17, "pcid" },
	{ 1, REG_ECX, 19, "sse4_1" }, { 1, REG_ECX, 20, "sse4_2" }, { 1, REG_ECX, 21, "x2apic" },
	{ 1, REG_ECX, 22, "movbe" }, { 1, REG_ECX, 23, "popcnt" },
	{ 1, REG_ECX, 24, "tsc_deadline_timer" }, { 1, REG_ECX, 25, "aes" },
	{ 1, REG_ECX, 26, "xsave" }, { 1, REG_ECX, 28, "avx" }, { 1, REG_ECX, 29, "f16c" },
	{ 1, REG_ECX, 30, "rdrand" }, { 1, REG_ECX, 31, "hypervisor" },
	{ EXT + 1, REG_ECX, 0, "lahf_lm" }, { EXT + 1, REG_ECX, 2, "svm" },
	{ EXT + 1, REG_ECX, 5, "abm" }, { EXT + 1, REG_ECX, 6, "sse4a" },
	{ EXT + 1, REG_ECX, 8, "3dnowprefetch" }, { 7, REG_EBX, 0, "fsgsbase" },
	{ 7, REG_EBX, 3, "bmi1" }, { 7, REG_EBX, 5, "avx2" }, { 7, REG_EBX, 7, "smep" },
	{ 7, REG_EBX, 8, "bmi2" }, { 7, REG_EBX, 9, "erms" }, { 7, REG_EBX, 10, "invpcid" },
	{ 7, REG_EBX, 16, "avx512f" }, { 7, REG_EBX, 18, "rdseed" }, { 7, REG_EBX, 19, "adx" },
	{ 7, REG_EBX, 20, "smap" }, { 7, REG_EBX, 23, "clflushopt" }, { 7, REG_EBX, 24, "clwb" },
	{ 7, REG_EBX, 29, "sha_ni" }, { 7, REG_ECX, 2, "umip" }, { 7, REG_ECX, 22, "rdpid" },
};

static uint32_t cpuid_reg(struct cpuid_regs r, int reg)
{
	return reg == REG_EAX ? r.eax : reg == REG_EBX ? r.ebx : reg == REG_ECX ? r.ecx : r.edx;
}

static bool leaf_supported(uint32_t leaf)
{
	uint32_t max = cpuid(leaf & EXT, 0).eax;
	return leaf <= max;
}

static void cpuinfo_flags(struct proc_text *t)
{
	proc_printf(t, "flags\t\t:");
	for (size_t i = 0; i < ARRAY_SIZE(cpu_flags); i++) {
		const struct cpu_flag *f = &cpu_flags[i];
		if (leaf_supported(f->leaf) && (cpuid_reg(cpuid(f->leaf, 0), f->reg) >> f->bit & 1))
			proc_printf(t, " %s", f->name);
	}
	proc_printf(t, "\n");
}

struct cpu_ident {
	char vendor[13];
	char model_name[49];
	uint32_t family, model, stepping, max_leaf;
};

static void cpu_identify(struct cpu_ident *id)
{
	struct cpuid_regs r = cpuid(0, 0);
	id->max_leaf = r.eax;
	memcpy(id->vendor, &r.ebx, 4);
	memcpy(id->vendor + 4, &r.edx, 4);
	memcpy(id->vendor + 8, &r.ecx, 4);
	id->vendor[12] = 0;
	uint32_t sig = cpuid(1, 0).eax;
	id->family = (sig >> 8) & 0xf;
	if (id->family == 0xf)
		id->family += (sig >> 20) & 0xff;
	id->model = (sig >> 4) & 0xf;
	if (id->family >= 6)
		id->model += ((sig >> 16) & 0xf) << 4;
	id->stepping = sig & 0xf;
	strlcpy(id->model_name, "unknown", sizeof(id->model_name));
	if (leaf_supported(EXT + 4)) {
		for (uint32_t i = 0; i < 3; i++) {
			struct cpuid_regs b = cpuid(EXT + 2 + i, 0);
			memcpy(id->model_name + 16 * i, &b, 16);
		}
		id->model_name[48] = 0;
	}
}

static int show_cpuinfo(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	struct cpu_ident id;
	cpu_identify(&id);
	uint64_t khz = tsc_hz() / 1000;
	unsigned ncpus = sched_nr_cpus();
	for (unsigned i = 0; i < ncpus; i++) {
		uint32_t apic = percpu_array[i].apic_id;
		proc_printf(t, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\n", i,
			    id.vendor, id.family);
		proc_printf(t, "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n", id.model,
			    id.model_name, id.stepping);
		proc_printf(t, "cpu MHz\t\t: %lu.%03lu\nphysical id\t: 0\nsiblings\t: %u\n",
			    khz / 1000, khz % 1000, ncpus);
		proc_printf(t, "core id\t\t: %u\ncpu cores\t: %u\n", i, ncpus);
		proc_printf(t, "apicid\t\t: %u\ninitial apicid\t: %u\nfpu\t\t: yes\n", apic, apic);
		proc_printf(t, "fpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
			    id.max_leaf);
		cpuinfo_flags(t);
		proc_printf(t, "bogomips\t: %lu.%02lu\nclflush size\t: 64\ncache_alignment\t: 64\n",
			    khz * 2 / 1000, (khz * 2 / 10) % 100);
		proc_printf(t, "address sizes\t: %u bits physical, %u bits virtual\n\n",
			    cpuid(EXT + 8, 0).eax & 0xff, VIRTUAL_ADDRESS_BITS);
	}
	return 0;
}

/* ---- uptime, loadavg, stat ----------------------------------------------------------------- */

static uint64_t idle_ticks_all(void)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < sched_nr_cpus(); i++)
		n += sched_stats_cpu_ticks(i, CPU_TIME_IDLE);
	return n;
}

/* Seconds and hundredths since boot, and the idle time summed over CPUs (Linux's format). */
static int show_uptime(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	uint64_t up_cs = time_monotonic_ns() / (NSEC_PER_SEC / 100);
	uint64_t idle_cs = idle_ticks_all() * 100 / TIMER_HZ;
	proc_printf(t, "%lu.%02lu %lu.%02lu\n", up_cs / 100, up_cs % 100, idle_cs / 100,
		    idle_cs % 100);
	return 0;
}

/* "1.00 0.50 0.20 2/31 123": the averages, runnable/total threads (user threads and unreaped
 * zombies, as Linux's nr_threads; kernel threads are not counted), and the last pid. */
static int show_loadavg(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	uint64_t avg[3];
	sched_stats_loadavg(avg);
	for (int i = 0; i < 3; i++) {
		uint64_t v = avg[i] + LOADAVG_FIXED_1 / 200; /* round to hundredths, as Linux */
		proc_printf(t, "%lu.%02lu ", v >> LOADAVG_FSHIFT,
			    (uint64_t)(((v & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT));
	}
	proc_printf(t, "%u/%u %d\n", sched_nr_running(), pid_count(), pid_last_allocated());
	return 0;
}

static uint64_t to_user_hz(uint64_t ticks)
{
	return ticks * USER_HZ / TIMER_HZ;
}

static void stat_cpu_line(struct proc_text *t, const char *name, const uint64_t v[CPU_TIME_KINDS])
{
	proc_printf(t, "%s %lu %lu %lu %lu 0 0 0 0 0 0\n", name, to_user_hz(v[CPU_TIME_USER]),
		    to_user_hz(v[CPU_TIME_NICE]), to_user_hz(v[CPU_TIME_SYSTEM]),
		    to_user_hz(v[CPU_TIME_IDLE]));
}

/* Linux's /proc/stat: CPU time (USER_HZ ticks; iowait, irq, softirq, steal and guest are not
 * accounted: 0), interrupts (the total only), context switches, boot time, forks, and running
 * threads; procs_blocked counts uninterruptible I/O waits, which Zero-OS does not have (0). */
static int show_stat(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	uint64_t sum[CPU_TIME_KINDS] = { 0 }, cpu[CPU_TIME_KINDS];
	unsigned ncpus = sched_nr_cpus();
	for (unsigned i = 0; i < ncpus; i++)
		for (int k = 0; k < CPU_TIME_KINDS; k++)
			sum[k] += sched_stats_cpu_ticks(i, (enum cpu_time_kind)k);
	stat_cpu_line(t, "cpu ", sum);
	for (unsigned i = 0; i < ncpus; i++) {
		char name[16];
		for (int k = 0; k < CPU_TIME_KINDS; k++)
			cpu[k] = sched_stats_cpu_ticks(i, (enum cpu_time_kind)k);
		ksnprintf(name, sizeof(name), "cpu%u", i);
		stat_cpu_line(t, name, cpu);
	}
	uint64_t btime = (time_realtime_ns() - time_monotonic_ns()) / NSEC_PER_SEC;
	proc_printf(t, "intr %lu\nctxt %lu\nbtime %lu\nprocesses %lu\n", irq_total_count(),
		    sched_stats_switches(), btime, process_fork_count());
	proc_printf(t, "procs_running %u\nprocs_blocked 0\n", sched_nr_running());
	return 0;
}

/* ---- mounts, filesystems, version ---------------------------------------------------------- */

/* Mounts are collected under mount_lock (referenced), then named after it is dropped, since
 * path_to_string takes that lock itself. */
struct mount_batch {
	struct path paths[MOUNTS_BATCH];
	int n, skip, seen;
};

static bool collect_mount(struct mount *m, void *arg)
{
	struct mount_batch *b = arg;
	if (b->seen++ < b->skip)
		return true;
	if (b->n == MOUNTS_BATCH)
		return false;
	m->refcount++; /* mount_lock is held by mount_for_each */
	/* The root's reference is taken after mount_lock drops (dcache_lock comes first, vfs.h);
	 * a referenced mount's root does not change. */
	b->paths[b->n++] = (struct path){ .mnt = m, .dentry = NULL };
	return true;
}

/* A mount field with Linux's escapes for the characters that would break the line. */
static void mount_field(struct proc_text *t, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			proc_printf(t, "\\%03o", (unsigned)(unsigned char)*s);
		else
			proc_write(t, s, 1);
	}
}

/* The per-mount options, as Linux spells them. */
static void mount_opts(struct proc_text *t, const struct mount *m)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} opts[] = {
		{ MS_NOSUID, ",nosuid" }, { MS_NODEV, ",nodev" }, { MS_NOEXEC, ",noexec" },
		{ MS_NOATIME, ",noatime" }, { MS_NODIRATIME, ",nodiratime" },
		{ MS_RELATIME, ",relatime" },
	};
	proc_printf(t, "%s", mnt_is_readonly(m) ? "ro" : "rw");
	unsigned long flags = READ_ONCE(m->flags);
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (flags & opts[i].flag)
			proc_printf(t, "%s", opts[i].name);
}

/* A line of /proc/mounts (fstab's format) or, with info, of mountinfo (proc(5): ids, device,
 * root within the file system (always "/": there are no bind mounts), mount point, options,
 * no optional fields, then type, source and the super block's options). */
static void mount_line(struct proc_text *t, const struct path *p, const struct path *root,
		       char *buf, bool info)
{
	const struct mount *m = p->mnt;
	if (path_to_string(p, root, buf, PATH_MAX) < 0)
		return;
	if (info)
		proc_printf(t, "%d %d %u:%u / ", m->id, m->parent->id, MAJOR(m->sb->dev),
			    MINOR(m->sb->dev));
	else
		mount_field(t, m->source[0] ? m->source : "none");
	if (!info)
		proc_write(t, " ", 1);
	mount_field(t, buf);
	proc_write(t, " ", 1);
	if (info) {
		mount_opts(t, m);
		proc_write(t, " - ", 3);
	}
	mount_field(t, m->sb->type->name);
	proc_write(t, " ", 1);
	if (info) {
		mount_field(t, m->source[0] ? m->source : "none");
		proc_printf(t, " %s\n", READ_ONCE(m->sb->flags) & SB_RDONLY ? "ro" : "rw");
	} else {
		mount_opts(t, m);
		proc_printf(t, " 0 0\n");
	}
}

/* The root mount paths are named from: the process's own for /proc/<pid>/mounts (as Linux:
 * a chrooted process sees its mounts relative to its root), the reader's for /proc/mounts.
 * 0 with *root referenced, or -ENOENT (gone). */
static int mounts_root(const struct proc_file_ctx *c, struct path *root)
{
	if (!c->pid) {
		current_root(root);
		return 0;
	}
	struct fs_context *fs = NULL;
	struct thread *t;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_ctx_find_locked(c, &t);
	if (p)
		proc_refs_locked(p, NULL, &fs, NULL);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!fs)
		return -ENOENT;
	uint64_t g = spin_lock_irqsave(&fs->lock);
	*root = fs->root;
	path_get(root);
	spin_unlock_irqrestore(&fs->lock, g);
	fs_context_put(fs);
	return 0;
}

static int show_mount_list(struct proc_text *t, const struct proc_file_ctx *c, bool info)
{
	struct path root;
	int r = mounts_root(c, &root);
	if (r)
		return r;
	char *buf = kmalloc(PATH_MAX);
	struct mount_batch *b = kmalloc(sizeof(*b));
	r = buf && b ? 0 : -ENOMEM;
	for (int done = 0; !r;) {
		b->n = 0;
		b->seen = 0;
		b->skip = done;
		mount_for_each(collect_mount, b);
		for (int i = 0; i < b->n; i++) {
			b->paths[i].dentry = dentry_get(b->paths[i].mnt->root);
			mount_line(t, &b->paths[i], &root, buf, info);
			path_put(&b->paths[i]);
		}
		if (b->n < MOUNTS_BATCH)
			break;
		done += b->n;
	}
	path_put(&root);
	kfree(b);
	kfree(buf);
	return r;
}

int proc_show_mounts(struct proc_text *t, const struct proc_file_ctx *c)
{
	return show_mount_list(t, c, false);
}

int proc_show_mountinfo(struct proc_text *t, const struct proc_file_ctx *c)
{
	return show_mount_list(t, c, true);
}

struct fs_list {
	struct proc_text *t;
};

static bool list_fs(const struct fs_type *type, void *arg)
{
	struct proc_text *t = ((struct fs_list *)arg)->t;
	proc_printf(t, "%s\t%s\n", type->nodev ? "nodev" : "", type->name);
	return true;
}

static int show_filesystems(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	struct fs_list l = { t };
	fs_type_for_each(list_fs, &l);
	return 0;
}

static const char *const lock_flavor_text[] = {
	[LOCK_FLAVOR_POSIX] = "POSIX  ADVISORY  ",
	[LOCK_FLAVOR_OFD] = "OFDLCK ADVISORY  ",
	[LOCK_FLAVOR_FLOCK] = "FLOCK  ADVISORY  ",
	[LOCK_FLAVOR_LEASE] = "LEASE  ACTIVE    ",
};

struct locks_list {
	struct proc_text *t;
	int id;
};

static const char *lock_type_text(int type)
{
	return type == F_WRLCK ? "WRITE" : type == F_RDLCK ? "READ" : "UNLCK";
}

/* One line as Linux's lock_get_status writes it: POSIX and OFD locks show their range, flock
 * locks and leases "0 EOF". */
static void list_lock(const struct file_lock_info *li, void *arg)
{
	struct locks_list *l = arg;
	const char *kind = li->breaking ? "LEASE  BREAKING  " : lock_flavor_text[li->flavor];
	bool ranged = li->flavor == LOCK_FLAVOR_POSIX || li->flavor == LOCK_FLAVOR_OFD;
	proc_printf(l->t, "%d: %s%s %d %02x:%02x:%llu %lld ", ++l->id, kind,
		    lock_type_text(li->type), li->pid, MAJOR(li->dev), MINOR(li->dev),
		    (unsigned long long)li->ino, (long long)(ranged ? li->start : 0));
	if (!ranged || li->end == INT64_MAX)
		proc_printf(l->t, "EOF\n");
	else
		proc_printf(l->t, "%lld\n", (long long)li->end);
}

static int show_locks(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	struct locks_list l = { t, 0 };
	locks_for_each(list_lock, &l);
	return 0;
}

static int show_version(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	proc_printf(t, "%s version %s (zero-os@%s) (gcc version %s) %s\n", UTS_SYSNAME, UTS_RELEASE,
		    UTS_NODENAME, __VERSION__, UTS_VERSION);
	return 0;
}

/* ---- partitions: Linux's block/genhd.c format, sizes in KiB -------------------------------- */

static void partition_line(const struct block_device *bd, void *arg)
{
	if (!bd->nr_sectors && !bd->parent)
		return; /* as Linux: a disk of no capacity (an unbound loop device) is not listed */
	proc_printf(arg, "%4u  %7u %10llu %s\n", MAJOR(bd->rdev), MINOR(bd->rdev),
		    (unsigned long long)(blkdev_size_bytes(bd) / 1024), bd->name);
}

static int show_partitions(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	proc_printf(t, "major minor  #blocks  name\n\n");
	blkdev_for_each(partition_line, t);
	return 0;
}

/* ---- the root directory's fixed names ------------------------------------------------------ */

const struct proc_entry proc_root_entries[] = {
	{ .name = "self", .mode = S_IFLNK | 0777, .iops = &proc_self_iops },
	{ .name = "bus", .mode = S_IFDIR | 0555, .iops = &proc_bus_iops, .fops = &proc_bus_fops },
	{ .name = "cpuinfo", .mode = S_IFREG | 0444, .show = show_cpuinfo },
	{ .name = "filesystems", .mode = S_IFREG | 0444, .show = show_filesystems },
	{ .name = "loadavg", .mode = S_IFREG | 0444, .show = show_loadavg },
	{ .name = "locks", .mode = S_IFREG | 0444, .show = show_locks },
	{ .name = "meminfo", .mode = S_IFREG | 0444, .show = show_meminfo },
	{ .name = "mounts", .mode = S_IFREG | 0444, .show = proc_show_mounts },
	{ .name = "partitions", .mode = S_IFREG | 0444, .show = show_partitions },
	{ .name = "stat", .mode = S_IFREG | 0444, .show = show_stat },
	{ .name = "sys", .mode = S_IFDIR | 0555, .iops = &proc_sysctl_dir_iops,
	  .fops = &proc_sysctl_dir_fops },
	{ .name = "sysvipc", .mode = S_IFDIR | 0555, .iops = &proc_sysvipc_iops,
	  .fops = &proc_sysvipc_fops },
	{ .name = "uptime", .mode = S_IFREG | 0444, .show = show_uptime },
	{ .name = "version", .mode = S_IFREG | 0444, .show = show_version },
};
const size_t proc_root_nentries = ARRAY_SIZE(proc_root_entries);
