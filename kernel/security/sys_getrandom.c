/* getrandom(2) from the kernel CSPRNG. The generator is seeded before any user program runs,
 * so no call ever blocks: GRND_NONBLOCK and GRND_RANDOM (which Linux also treats as the
 * ordinary pool since 5.6) change nothing, GRND_INSECURE neither. */
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <security/random.h>
#include <proc/signal.h>
#include <uapi/errno.h>
#include <uapi/random.h>

#define GRND_ALL (GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)
#define CHUNK 256 /* bytes generated and copied out at a time */
#define MAX_RW_COUNT 0x7ffff000UL /* Linux's cap on one read/write-like call */

SYSCALL_DEFINE3(getrandom, void __user *, buf, size_t, count, unsigned int, flags)
{
	uint8_t chunk[CHUNK];
	size_t done = 0;
	if (flags & ~GRND_ALL)
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	/* A signal stops a long request at a page boundary with what is done (as Linux). */
	while (done < count && !(done && signal_copy_should_stop(done))) {
		size_t n = count - done < CHUNK ? count - done : CHUNK;
		get_random_bytes(chunk, n);
		if (copy_to_user((char __user *)buf + done, chunk, n))
			break;
		done += n;
	}
	memset(chunk, 0, sizeof(chunk)); /* no copy of the output stays on the stack */
	if (done == 0 && count > 0)
		return -EFAULT;
	return (long)done;
}
