/* /proc/sys: the kernel's tunables (proc(5)) as one table of entries, directories included.
 * Each file reads in Linux's format; a writable one (root only, as Linux's sysctl permission:
 * even root gets only the owner bits) parses the value, checks its range (EINVAL) and stores it
 * in the variable its subsystem reads, so the write takes effect. Only values Zero-OS really
 * has are here: a tunable of a feature it lacks is absent, not faked. */
#include <fs/procfs/proc_internal.h>
#include <core/compiler.h>
#include <core/uname.h>
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/locks.h>
#include <ipc/ipc.h>
#include <ipc/mqueue.h>
#include <ipc/pipe.h>
#include <mm/vm.h>
#include <proc/process.h>
#include <security/random.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define SYSCTL_INO_BASE 0x1000 /* entry i's inode is this + i (root entries are below) */
#define UUID_BYTES 16
#define ENTROPY_BITS 256 /* the CSPRNG is always fully seeded: Linux 5.18+ reports 256 too */
#define SYSCTL_STR_MAX 128 /* the longest string value */
#define SYSCTL_INTS_MAX 4 /* the longest SC_INTS vector (kernel.sem) */
#define STR_(x) #x
#define STR(x) STR_(x)

enum sysctl_dir { D_SYS, D_KERNEL, D_RANDOM, D_FS, D_VM, D_MQUEUE, D_INOTIFY };

/* What a file holds. */
enum sysctl_kind {
	SC_NONE, /* a directory */
	SC_INT, /* *ip, min..max, adjusted by fix when not NULL */
	SC_STRING, /* buf (size bytes, NUL-terminated) under lock */
	SC_TEXT, /* a constant string */
	SC_SHOW, /* ent.show generates it */
	SC_ULONG, /* *up, any value (Linux's proc_doulongvec_minmax without bounds) */
	SC_INTS, /* ip[0..size), one line of tab-separated values; fix checks a written vector */
};

struct sysctl {
	struct proc_entry ent;
	enum sysctl_dir dir; /* the directory it is in */
	enum sysctl_dir id; /* a directory's own id */
	enum sysctl_kind kind;
	int *ip; /* SC_INT, SC_INTS: read and written atomically */
	uint64_t *up; /* SC_ULONG: read and written atomically */
	int min, max;
	int (*fix)(int *v); /* SC_INT: Linux's rounding of a written value; 0 or -EINVAL */
	char *buf; /* SC_STRING */
	size_t size; /* SC_STRING: of buf; SC_INTS: values in ip */
	struct spinlock *lock;
	const char *text; /* SC_TEXT */
};

static int sysctl_show(struct proc_text *t, const struct proc_file_ctx *c);
static int sysctl_store(const struct proc_file_ctx *c, const char *buf, size_t len);
static int show_boot_id(struct proc_text *t, const struct proc_file_ctx *c);
static int show_uuid(struct proc_text *t, const struct proc_file_ctx *c);
static int show_file_nr(struct proc_text *t, const struct proc_file_ctx *c);
static int fix_pipe_size(int *v);
static int fix_sem(int *v);
static int fix_ns_last_pid(int *v);

static int ngroups_max = CRED_GROUPS_MAX;
static int mmap_min_addr = (int)USER_MIN_ADDR;
static int tainted; /* Zero-OS has no taint flags: nothing ever taints it */

#define SC_DIR(n, parent, self)                                                        \
	{ .ent = { .name = n, .mode = S_IFDIR | 0555, .iops = &proc_sysctl_dir_iops,     \
		   .fops = &proc_sysctl_dir_fops },                                       \
	  .dir = parent, .id = self }
#define SC_FILE(n, m, st) .name = n, .mode = S_IFREG | (m), .show = sysctl_show, .store = st, \
			  .no_root_bypass = true
#define SC_INT_RW(n, parent, var, lo, hi, f)                                                \
	{ .ent = { SC_FILE(n, 0644, sysctl_store) }, .dir = parent, .kind = SC_INT, .ip = &(var), \
	  .min = lo, .max = hi, .fix = f }
#define SC_INT_RO(n, parent, var) \
	{ .ent = { SC_FILE(n, 0444, NULL) }, .dir = parent, .kind = SC_INT, .ip = &(var) }
#define SC_ULONG_RW(n, parent, var) \
	{ .ent = { SC_FILE(n, 0644, sysctl_store) }, .dir = parent, .kind = SC_ULONG, .up = &(var) }
#define SC_INTS_RW(n, parent, arr, f)                                                        \
	{ .ent = { SC_FILE(n, 0644, sysctl_store) }, .dir = parent, .kind = SC_INTS, .ip = arr,  \
	  .size = ARRAY_SIZE(arr), .fix = f }
#define SC_STR_RW(n, parent, b, l)                                                      \
	{ .ent = { SC_FILE(n, 0644, sysctl_store) }, .dir = parent, .kind = SC_STRING, .buf = b, \
	  .size = sizeof(b), .lock = l }
#define SC_TEXT_RO(n, parent, s) \
	{ .ent = { SC_FILE(n, 0444, NULL) }, .dir = parent, .kind = SC_TEXT, .text = s }
#define SC_SHOW_RO(n, parent, fn)                                                            \
	{ .ent = { .name = n, .mode = S_IFREG | 0444, .show = fn, .no_root_bypass = true },  \
	  .dir = parent, .kind = SC_SHOW }

static const struct sysctl sysctls[] = {
	SC_DIR("fs", D_SYS, D_FS),
	SC_DIR("kernel", D_SYS, D_KERNEL),
	SC_DIR("vm", D_SYS, D_VM),
	SC_STR_RW("domainname", D_KERNEL, uts_domainname, &uts_lock),
	SC_STR_RW("hostname", D_KERNEL, uts_nodename, &uts_lock),
	SC_INT_RO("ngroups_max", D_KERNEL, ngroups_max),
	SC_INT_RW("ns_last_pid", D_KERNEL, sysctl_ns_last_pid, 0, PID_MAX - 1, fix_ns_last_pid),
	SC_TEXT_RO("osrelease", D_KERNEL, UTS_RELEASE),
	SC_TEXT_RO("ostype", D_KERNEL, UTS_SYSNAME),
	SC_INT_RW("pid_max", D_KERNEL, sysctl_pid_max, PID_MAX_MIN, PID_MAX, NULL),
	SC_DIR("random", D_KERNEL, D_RANDOM),
	SC_INT_RO("tainted", D_KERNEL, tainted),
	SC_INT_RW("threads-max", D_KERNEL, sysctl_threads_max, THREADS_MAX_MIN, PID_MAX - 1, NULL),
	SC_TEXT_RO("version", D_KERNEL, UTS_VERSION),
	SC_SHOW_RO("boot_id", D_RANDOM, show_boot_id),
	SC_TEXT_RO("entropy_avail", D_RANDOM, STR(ENTROPY_BITS)),
	SC_TEXT_RO("poolsize", D_RANDOM, STR(ENTROPY_BITS)),
	SC_SHOW_RO("uuid", D_RANDOM, show_uuid),
	SC_INT_RW("file-max", D_FS, sysctl_file_max, 0, INT32_MAX, NULL),
	SC_SHOW_RO("file-nr", D_FS, show_file_nr),
	SC_INT_RW("lease-break-time", D_FS, lease_break_time, INT32_MIN, INT32_MAX, NULL),
	SC_INT_RW("nr_open", D_FS, sysctl_nr_open, NR_OPEN_MIN, FD_HARD_MAX, NULL),
	SC_INT_RW("pipe-max-size", D_FS, sysctl_pipe_max_size, 0, INT32_MAX, fix_pipe_size),
	SC_INT_RW("pipe-user-pages-hard", D_FS, sysctl_pipe_user_pages_hard, 0, INT32_MAX, NULL),
	SC_INT_RW("pipe-user-pages-soft", D_FS, sysctl_pipe_user_pages_soft, 0, INT32_MAX, NULL),
	SC_INT_RW("max_map_count", D_VM, sysctl_max_map_count, 0, INT32_MAX, NULL),
	SC_INT_RW("msgmax", D_KERNEL, ipc_msgmax, 0, INT32_MAX, NULL),
	SC_INT_RW("msgmnb", D_KERNEL, ipc_msgmnb, 0, INT32_MAX, NULL),
	SC_INT_RW("msg_next_id", D_KERNEL, ipc_msg_next_id, -1, INT32_MAX, NULL),
	SC_INT_RW("msgmni", D_KERNEL, ipc_msgmni, 0, IPCMNI, NULL),
	SC_INTS_RW("sem", D_KERNEL, ipc_sem_ctls, fix_sem),
	SC_INT_RW("sem_next_id", D_KERNEL, ipc_sem_next_id, -1, INT32_MAX, NULL),
	SC_ULONG_RW("shmall", D_KERNEL, ipc_shmall),
	SC_ULONG_RW("shmmax", D_KERNEL, ipc_shmmax),
	SC_INT_RW("shm_next_id", D_KERNEL, ipc_shm_next_id, -1, INT32_MAX, NULL),
	SC_INT_RW("shmmni", D_KERNEL, ipc_shmmni, 0, IPCMNI, NULL),
	SC_DIR("mqueue", D_FS, D_MQUEUE),
	SC_INT_RW("msg_default", D_MQUEUE, mq_msg_default, MQ_MIN_MSGMAX, MQ_HARD_MSGMAX, NULL),
	SC_INT_RW("msg_max", D_MQUEUE, mq_msg_max, MQ_MIN_MSGMAX, MQ_HARD_MSGMAX, NULL),
	SC_INT_RW("msgsize_default", D_MQUEUE, mq_msgsize_default, MQ_MIN_MSGSIZEMAX,
		  MQ_HARD_MSGSIZEMAX, NULL),
	SC_INT_RW("msgsize_max", D_MQUEUE, mq_msgsize_max, MQ_MIN_MSGSIZEMAX, MQ_HARD_MSGSIZEMAX,
		  NULL),
	SC_INT_RW("queues_max", D_MQUEUE, mq_queues_max, 0, INT32_MAX, NULL),
	SC_INT_RO("mmap_min_addr", D_VM, mmap_min_addr),
	SC_DIR("inotify", D_FS, D_INOTIFY),
	SC_INT_RW("max_queued_events", D_INOTIFY, inotify_max_queued_events, 0, INT32_MAX, NULL),
	SC_INT_RW("max_user_instances", D_INOTIFY, inotify_max_user_instances, 0, INT32_MAX,
		  NULL),
	SC_INT_RW("max_user_watches", D_INOTIFY, inotify_max_user_watches, 0, INT32_MAX, NULL),
};

static const struct sysctl *sysctl_of(const struct proc_entry *e)
{
	return container_of(e, const struct sysctl, ent);
}

/* ---- values -------------------------------------------------------------------------------- */

static int sysctl_show(struct proc_text *t, const struct proc_file_ctx *c)
{
	const struct sysctl *s = sysctl_of(c->ent);
	if (s->kind == SC_INT) {
		proc_printf(t, "%d\n", __atomic_load_n(s->ip, __ATOMIC_RELAXED));
	} else if (s->kind == SC_ULONG) {
		proc_printf(t, "%lu\n", __atomic_load_n(s->up, __ATOMIC_RELAXED));
	} else if (s->kind == SC_INTS) {
		for (size_t i = 0; i < s->size; i++)
			proc_printf(t, "%d%c", __atomic_load_n(&s->ip[i], __ATOMIC_RELAXED),
				    i + 1 < s->size ? '\t' : '\n');
	} else if (s->kind == SC_TEXT) {
		proc_printf(t, "%s\n", s->text);
	} else {
		char tmp[SYSCTL_STR_MAX];
		uint64_t f = spin_lock_irqsave(s->lock);
		strlcpy(tmp, s->buf, sizeof(tmp) < s->size ? sizeof(tmp) : s->size);
		spin_unlock_irqrestore(s->lock, f);
		proc_printf(t, "%s\n", tmp);
	}
	return 0;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* One decimal integer as Linux's proc_dointvec reads it: blanks, an optional '-', digits, then
 * blanks or the end. 0 with *v, 1 when there is nothing but blanks, -EINVAL otherwise. */
static int parse_int(const char *s, size_t len, int64_t *v)
{
	size_t i = 0;
	while (i < len && is_space(s[i]))
		i++;
	if (i == len || s[i] == 0)
		return 1;
	bool neg = s[i] == '-';
	i += neg;
	size_t first = i;
	int64_t n = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (s[i] - '0');
		if (n > (int64_t)INT32_MAX + 1)
			return -EINVAL;
	}
	if (i == first)
		return -EINVAL;
	for (; i < len && s[i]; i++)
		if (!is_space(s[i]))
			return -EINVAL;
	*v = neg ? -n : n;
	return 0;
}

static int store_int(const struct sysctl *s, const char *buf, size_t len)
{
	int64_t v;
	int r = parse_int(buf, len, &v);
	if (r)
		return r > 0 ? 0 : r;
	if (v < s->min || v > s->max)
		return -EINVAL;
	int iv = (int)v;
	if (s->fix && (r = s->fix(&iv)))
		return r;
	__atomic_store_n(s->ip, iv, __ATOMIC_RELAXED);
	return 0;
}

/* As Linux's proc_dostring: up to the first newline or NUL, at most size - 1 bytes. */
static int store_string(const struct sysctl *s, const char *buf, size_t len)
{
	size_t n = 0;
	while (n < len && n < s->size - 1 && buf[n] && buf[n] != '\n')
		n++;
	uint64_t f = spin_lock_irqsave(s->lock);
	memcpy(s->buf, buf, n);
	memset(s->buf + n, 0, s->size - n);
	spin_unlock_irqrestore(s->lock, f);
	return 0;
}

/* An unsigned decimal as proc_doulongvec_minmax reads it: blanks, digits, blanks. */
static int store_ulong(const struct sysctl *s, const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && is_space(buf[i]))
		i++;
	if (i == len || buf[i] == 0)
		return 0;
	size_t first = i;
	uint64_t n = 0;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (n > (UINT64_MAX - (uint64_t)(buf[i] - '0')) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(buf[i] - '0');
	}
	for (size_t j = i; j < len && buf[j]; j++)
		if (!is_space(buf[j]))
			return -EINVAL;
	if (i == first)
		return -EINVAL;
	__atomic_store_n(s->up, n, __ATOMIC_RELAXED);
	return 0;
}

/* Up to size integers separated by blanks (the ones not given keep their values), stored
 * together once fix accepts the whole vector. */
static int store_ints(const struct sysctl *s, const char *buf, size_t len)
{
	int v[SYSCTL_INTS_MAX];
	size_t i = 0, n = 0;
	for (size_t k = 0; k < s->size; k++)
		v[k] = __atomic_load_n(&s->ip[k], __ATOMIC_RELAXED);
	while (n < s->size) {
		while (i < len && is_space(buf[i]))
			i++;
		size_t start = i;
		while (i < len && buf[i] && !is_space(buf[i]))
			i++;
		int64_t x;
		int r = parse_int(buf + start, i - start, &x);
		if (r > 0)
			break;
		if (r < 0 || x < INT32_MIN || x > INT32_MAX)
			return -EINVAL;
		v[n++] = (int)x;
	}
	int r = s->fix ? s->fix(v) : 0;
	for (size_t k = 0; !r && k < s->size; k++)
		__atomic_store_n(&s->ip[k], v[k], __ATOMIC_RELAXED);
	return r;
}

static int sysctl_store(const struct proc_file_ctx *c, const char *buf, size_t len)
{
	const struct sysctl *s = sysctl_of(c->ent);
	if (s->kind == SC_ULONG)
		return store_ulong(s, buf, len);
	if (s->kind == SC_INTS)
		return store_ints(s, buf, len);
	return s->kind == SC_INT ? store_int(s, buf, len) : store_string(s, buf, len);
}

/* kernel.sem: semmsl, semmns, semopm, semmni; none negative, semmni at most IPCMNI (Linux). */
/* kernel.ns_last_pid: the next pid is searched for after the value written. */
static int fix_ns_last_pid(int *v)
{
	pid_set_next(*v + 1);
	return 0;
}

static int fix_sem(int *v)
{
	for (int i = 0; i < 4; i++)
		if (v[i] < 0)
			return -EINVAL;
	return v[3] > IPCMNI ? -EINVAL : 0;
}

/* Linux rounds a pipe size up to a power-of-two number of pages; 0 means too big. */
static int fix_pipe_size(int *v)
{
	unsigned size = pipe_round_size((uint64_t)*v);
	if (!size || size > INT32_MAX)
		return -EINVAL;
	*v = (int)size;
	return 0;
}

/* A random (version 4) UUID in its text form. */
static void show_random_uuid(struct proc_text *t, uint8_t u[UUID_BYTES])
{
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	for (int i = 0; i < UUID_BYTES; i++)
		proc_printf(t, "%02x%s", u[i], i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	proc_printf(t, "\n");
}

static struct spinlock boot_id_lock = SPINLOCK_INIT("boot_id");
static uint8_t boot_id[UUID_BYTES]; /* boot_id_lock; drawn at the first read */
static bool boot_id_set; /* boot_id_lock */

static int show_boot_id(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	uint8_t fresh[UUID_BYTES], u[UUID_BYTES];
	get_random_bytes(fresh, sizeof(fresh));
	uint64_t f = spin_lock_irqsave(&boot_id_lock);
	if (!boot_id_set) {
		memcpy(boot_id, fresh, sizeof(boot_id));
		boot_id_set = true;
	}
	memcpy(u, boot_id, sizeof(u));
	spin_unlock_irqrestore(&boot_id_lock, f);
	show_random_uuid(t, u);
	return 0;
}

static int show_uuid(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	uint8_t u[UUID_BYTES];
	get_random_bytes(u, sizeof(u));
	show_random_uuid(t, u);
	return 0;
}

/* Linux's three numbers: files allocated, free ones (always 0 since Linux 2.6), the maximum. */
static int show_file_nr(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	proc_printf(t, "%ld\t0\t%d\n", files_count(),
		    __atomic_load_n(&sysctl_file_max, __ATOMIC_RELAXED));
	return 0;
}

/* ---- directories --------------------------------------------------------------------------- */

/* The directory an inode of ours is: /proc/sys itself is the root table's entry. */
static enum sysctl_dir dir_id(const struct proc_entry *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		if (&sysctls[i].ent == e)
			return sysctls[i].id;
	return D_SYS;
}

static uint64_t dir_ino(enum sysctl_dir d)
{
	if (d == D_SYS) {
		const struct proc_entry *e = proc_entry_find(proc_root_entries, proc_root_nentries,
							     "sys", 3);
		return 2 + (uint64_t)(e - proc_root_entries);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		if (sysctls[i].kind == SC_NONE && sysctls[i].id == d)
			return SYSCTL_INO_BASE + i;
	return PROC_ROOT_INO;
}

static enum sysctl_dir parent_of(enum sysctl_dir d)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		if (sysctls[i].kind == SC_NONE && sysctls[i].id == d)
			return sysctls[i].dir;
	return D_SYS;
}

static int sysctl_lookup(struct inode *dir, struct dentry *d)
{
	enum sysctl_dir id = dir_id(proc_i(dir)->ent);
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++) {
		const struct sysctl *s = &sysctls[i];
		if (s->dir != id || strlen(s->ent.name) != d->name_len ||
		    memcmp(s->ent.name, d->name, d->name_len))
			continue;
		struct inode *inode = proc_inode_new(dir->sb, &s->ent, 0, -1, SYSCTL_INO_BASE + i,
						     0, 0);
		if (!inode)
			return -ENOMEM;
		d_instantiate(d, inode);
		return 0;
	}
	return 0;
}

/* Positions: 0 and 1 the dots, 2 + i table entry i (those of this directory). */
static int sysctl_iterate(struct file *f, struct dir_context *ctx)
{
	enum sysctl_dir id = dir_id(proc_i(f->inode)->ent);
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir_ino(id), DT_DIR, 1))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		uint64_t up = id == D_SYS ? PROC_ROOT_INO : dir_ino(parent_of(id));
		if (!ctx->emit(ctx, "..", 2, up, DT_DIR, 2))
			return 0;
		ctx->pos = 2;
	}
	for (size_t i = (size_t)ctx->pos - 2; i < ARRAY_SIZE(sysctls); i++) {
		const struct sysctl *s = &sysctls[i];
		uint8_t type = s->kind == SC_NONE ? DT_DIR : DT_REG;
		if (s->dir == id && !ctx->emit(ctx, s->ent.name, strlen(s->ent.name),
					       SYSCTL_INO_BASE + i, type, (int64_t)i + 3))
			return 0;
		ctx->pos = (int64_t)i + 3;
	}
	return 0;
}

const struct inode_ops proc_sysctl_dir_iops = {
	.lookup = sysctl_lookup,
};

const struct file_ops proc_sysctl_dir_fops = {
	.iterate = sysctl_iterate,
};
