/* Memory-mapping basics through the mm calls: anonymous private memory, munmap, W^X refusal,
 * MAP_FIXED, MAP_SHARED visible across fork, mprotect, and malloc's use of brk and mmap. */
#include "test.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(void)
{
	test_begin("mmap");
	size_t len = 64 * 4096;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok = p != MAP_FAILED;
	if (ok) {
		for (size_t i = 0; i < len; i += 4096)
			ok &= p[i] == 0;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = (uint8_t)(i >> 12);
		for (size_t i = 0; i < len; i += 4096)
			ok &= p[i] == (uint8_t)(i >> 12);
	}
	CHECK("anon-private", ok);
	CHECK("munmap", ok && munmap(p, len) == 0);
	errno = 0;
	CHECK("wx-refused", mmap(NULL, 4096, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
				 0) == MAP_FAILED && errno == EACCES);
	void *want = (void *)0x500000000000UL;
	CHECK("map-fixed", mmap(want, 8192, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == want);

	volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh != MAP_FAILED) {
		*sh = 1;
		pid_t pid = fork();
		if (pid == 0) {
			*sh = 42;
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		CHECK("shared-across-fork", *sh == 42);
	} else {
		CHECK("shared-across-fork", sh != MAP_FAILED);
	}
	uint8_t *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK("mprotect", q != MAP_FAILED && mprotect(q, 4096, PROT_READ) == 0 &&
				  mprotect(q, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) == -1);
	char *small = malloc(100), *large = malloc(1 << 20);
	ok = small && large;
	if (ok) {
		memset(large, 0x5a, 1 << 20);
		ok = large[0] == 0x5a && large[(1 << 20) - 1] == 0x5a;
	}
	CHECK("malloc", ok);
	free(large);
	free(small);
	test_end();
}
