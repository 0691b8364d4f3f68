/* Bug capget_enosys: capget and capset were ENOSYS. Root's permitted and effective sets are its
 * bounding set and its inheritable set empty; the version is negotiated (EINVAL and the
 * preferred version written back); capset only lowers (and the kernel then refuses what the
 * dropped capability allowed); giving up root ids empties the sets, and a seteuid round trip
 * brings the effective set back from the permitted one. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* <linux/capability.h>'s ABI (musl has no kernel headers). */
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_CHOWN 0
#define CAP_SETUID 7
#define CAP_SETPCAP 8
struct __user_cap_header_struct {
	uint32_t version;
	int pid;
};
struct __user_cap_data_struct {
	uint32_t effective, permitted, inheritable;
};

static int capget_v(unsigned version, int pid, struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct h = { version, pid };
	return (int)syscall(SYS_capget, &h, d);
}

static int capset3(uint64_t e, uint64_t p, uint64_t i)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)e, (uint32_t)p, (uint32_t)i },
		{ (uint32_t)(e >> 32), (uint32_t)(p >> 32), (uint32_t)(i >> 32) },
	};
	return (int)syscall(SYS_capset, &h, d);
}

/* The caller's sets (V3) in e, p, i; false when capget fails. */
static bool sets(uint64_t *e, uint64_t *p, uint64_t *i)
{
	struct __user_cap_data_struct d[2];
	if (capget_v(_LINUX_CAPABILITY_VERSION_3, 0, d) != 0)
		return false;
	*e = d[0].effective | (uint64_t)d[1].effective << 32;
	*p = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*i = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return true;
}

static uint64_t bounding_set(void)
{
	uint64_t b = 0;
	for (int c = 0; c < 64; c++) {
		int r = prctl(PR_CAPBSET_READ, c);
		if (r < 0)
			break;
		b |= (uint64_t)r << c;
	}
	return b;
}

static void check_get(void)
{
	uint64_t e, p, i, b = bounding_set();
	CHECK("root-sets", sets(&e, &p, &i) && e == p && p == b && i == 0 &&
				   (p >> CAP_SETUID & 1));
	errno = 0;
	CHECK("capbset-read-bad-einval", prctl(PR_CAPBSET_READ, 99) == -1 && errno == EINVAL);
	CHECK("securebits-none", prctl(PR_GET_SECUREBITS) == 0);
	struct __user_cap_header_struct h = { 0, 0 };
	CHECK("version-query", syscall(SYS_capget, &h, NULL) == 0 &&
				       h.version == _LINUX_CAPABILITY_VERSION_3);
	struct __user_cap_data_struct d[2];
	h.version = 0x1234;
	errno = 0;
	CHECK("bad-version-einval", syscall(SYS_capget, &h, d) == -1 && errno == EINVAL &&
					    h.version == _LINUX_CAPABILITY_VERSION_3);
	memset(d, 0xaa, sizeof(d));
	bool v1 = capget_v(_LINUX_CAPABILITY_VERSION_1, 0, d) == 0;
	CHECK("v1-one-struct", v1 && d[0].permitted == (uint32_t)p && d[1].permitted == 0xaaaaaaaa);
	errno = 0;
	CHECK("bad-pid-einval", capget_v(_LINUX_CAPABILITY_VERSION_3, -1, d) == -1 &&
					errno == EINVAL);
	errno = 0;
	CHECK("no-such-pid-esrch", capget_v(_LINUX_CAPABILITY_VERSION_3, 4000000, d) == -1 &&
					   errno == ESRCH);
}

/* In a child: a bit per failed step of dropping CAP_CHOWN and CAP_SETPCAP. */
static int drop_chown(const char *path)
{
	uint64_t e, p, i, chown_bit = 1ull << CAP_CHOWN, drop = chown_bit | 1ull << CAP_SETPCAP;
	int bad = 0;
	if (!sets(&e, &p, &i))
		return 0x80;
	if (capset3(e & ~drop, p & ~drop, 0) != 0)
		bad |= 1;
	uint64_t e2, p2, i2;
	if (!sets(&e2, &p2, &i2) || (e2 & drop) || (p2 & drop) || e2 != (e & ~drop))
		bad |= 2;
	errno = 0;
	if (chown(path, 1, 1) != -1 || errno != EPERM)
		bad |= 4; /* the kernel honours the drop */
	errno = 0;
	if (capset3(e2, p, 0) != -1 || errno != EPERM)
		bad |= 8; /* the permitted set cannot grow back */
	errno = 0;
	if (capset3(e2 | chown_bit, p2, 0) != -1 || errno != EPERM)
		bad |= 16; /* effective within permitted */
	errno = 0;
	if (prctl(PR_SET_SECUREBITS, 0) != -1 || errno != EPERM)
		bad |= 64; /* needs CAP_SETPCAP, dropped above */
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, getppid() };
	struct __user_cap_data_struct d[2] = { 0 };
	errno = 0;
	if (syscall(SYS_capset, &h, d) != -1 || errno != EPERM)
		bad |= 32; /* only one's own sets */
	return bad;
}

/* In a child: a bit per failed step of leaving root ids. */
static int leave_root(void)
{
	uint64_t e, p, i, e0, p0, i0;
	int bad = 0;
	if (!sets(&e0, &p0, &i0))
		return 0x80;
	if (seteuid(1000) != 0 || !sets(&e, &p, &i) || e != 0 || p != p0)
		bad |= 1;
	if (seteuid(0) != 0 || !sets(&e, &p, &i) || e != p0)
		bad |= 2;
	if (setresuid(1000, 1000, 1000) != 0 || !sets(&e, &p, &i) || e || p || i)
		bad |= 4;
	return bad;
}

static void child_case(const char *name, int (*fn)(const char *), const char *arg)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	int st = -1;
	bool ok = waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	test_result(name, ok, "status %#x (failed steps in bits 8-15)", st);
}

static int leave_root_arg(const char *unused)
{
	(void)unused;
	return leave_root();
}

int main(void)
{
	test_begin("capget_enosys");
	check_get();
	char path[64];
	snprintf(path, sizeof(path), "/tmp/capget_%d", (int)getpid());
	close(open(path, O_CREAT | O_WRONLY, 0644));
	child_case("capset-drop-chown", drop_chown, path);
	child_case("setuid-clears-caps", leave_root_arg, NULL);
	unlink(path);
	test_end();
}
