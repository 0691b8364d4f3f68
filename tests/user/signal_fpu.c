/* The FPU state in the signal frame (the kernel XSAVEs it straight into the user frame and
 * XRSTORs it straight from there): the frame holds the interrupted code's XMM registers and
 * MXCSR, the handler starts with a clean FPU, the handler's edits of the image (also of an
 * image it moved elsewhere) come back after sigreturn; an image that would make XRSTOR fault
 * (a reserved header byte, a component XCR0 does not enable, an unmapped or misaligned image)
 * is refused with SIGSEGV, and the state left after the refusal is a clean one, not half of the
 * image. Validated on Linux first. */
#define _GNU_SOURCE
#include "test.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

/* The XSAVE image (Intel SDM vol. 1, 10.5.1 and 13.4) and Linux's software bytes in it. */
#define IMG_MXCSR 24
#define IMG_XMM(i) (160 + 16 * (i))
#define IMG_SW 464
#define IMG_HEADER 512
#define FP_XSTATE_MAGIC1 0x46505853u
#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_ROUND_DOWN 0x3f80u
#define MXCSR_ROUND_ZERO 0x7f80u

struct xmm {
	uint64_t lo, hi;
};
struct sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
};

enum edit {
	EDIT_NONE,
	EDIT_XMM1_MXCSR, /* new values for xmm1 and MXCSR */
	EDIT_MOVED, /* the image copied elsewhere (64-byte aligned), xmm1 edited there */
	EDIT_MISALIGNED, /* the same copy 8 bytes off */
	EDIT_HEADER_RESERVED, /* a reserved XSAVE header byte */
	EDIT_XSTATE_BV, /* a component XCR0 does not enable */
	EDIT_UNMAPPED, /* fpregs at a page that cannot be read */
};

static const struct xmm pattern[2] = { { 0x1111222233334444ULL, 0x5555666677778888ULL },
				       { 0x99990000aaaabbbbULL, 0xccccddddeeeeffffULL } };
static const struct xmm edited = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

static volatile enum edit edit;
static struct xmm live[2], framed[2];
static uint32_t live_mxcsr, framed_mxcsr;
static uint8_t moved[8192] __attribute__((aligned(64)));
static void *noaccess;

static uint64_t xcr0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* Bytes of the image to copy: the XSAVE area and its trailing magic, or the legacy 512. */
static size_t image_size(const uint8_t *img)
{
	struct sw_bytes sw;
	memcpy(&sw, img + IMG_SW, sizeof(sw));
	return sw.magic1 == FP_XSTATE_MAGIC1 ? sw.extended_size : 512;
}

static bool has_xsave_header(const uint8_t *img)
{
	return image_size(img) > 512;
}

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
	/* First, before compiled code may use them: the registers the handler starts with. */
	__asm__ volatile("movdqu %%xmm0, %0\n\tmovdqu %%xmm1, %1\n\tstmxcsr %2"
			 : "=m"(live[0]), "=m"(live[1]), "=m"(live_mxcsr));
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	uint8_t *img = (uint8_t *)uc->uc_mcontext.fpregs;
	memcpy(framed, img + IMG_XMM(0), sizeof(framed));
	memcpy(&framed_mxcsr, img + IMG_MXCSR, sizeof(framed_mxcsr));
	uint64_t bv, off = ~xcr0();
	switch (edit) {
	case EDIT_NONE:
		break;
	case EDIT_XMM1_MXCSR: {
		uint32_t m = MXCSR_ROUND_DOWN;
		memcpy(img + IMG_XMM(1), &edited, sizeof(edited));
		memcpy(img + IMG_MXCSR, &m, sizeof(m));
		break;
	}
	case EDIT_MOVED:
	case EDIT_MISALIGNED: {
		uint8_t *to = moved + (edit == EDIT_MISALIGNED ? 8 : 0);
		memcpy(to, img, image_size(img));
		memcpy(to + IMG_XMM(1), &edited, sizeof(edited));
		uc->uc_mcontext.fpregs = (fpregset_t)to;
		break;
	}
	case EDIT_HEADER_RESERVED:
		if (has_xsave_header(img))
			img[IMG_HEADER + 16] = 1;
		break;
	case EDIT_XSTATE_BV:
		if (has_xsave_header(img)) {
			memcpy(&bv, img + IMG_HEADER, sizeof(bv));
			bv |= off & -off; /* the lowest component XCR0 does not enable */
			memcpy(img + IMG_HEADER, &bv, sizeof(bv));
		}
		break;
	case EDIT_UNMAPPED:
		uc->uc_mcontext.fpregs = noaccess;
		break;
	}
	/* Left in the registers for a refused image: a clean state must replace them. */
	static const uint32_t round_zero = MXCSR_ROUND_ZERO;
	__asm__ volatile("movdqu %0, %%xmm1\n\tldmxcsr %1" ::"m"(pattern[1]), "m"(round_zero)
			 : "xmm1");
}

/* After a refused sigreturn: exit 0 when the frame shows a clean FPU (xmm1 zero, MXCSR at its
 * default), 20 when it shows what the refused image or the handler left. */
static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	const uint8_t *img = (const uint8_t *)uc->uc_mcontext.fpregs;
	struct xmm x;
	uint32_t m;
	memcpy(&x, img + IMG_XMM(1), sizeof(x));
	memcpy(&m, img + IMG_MXCSR, sizeof(m));
	_exit(x.lo == 0 && x.hi == 0 && m == MXCSR_DEFAULT ? 0 : 20);
}

/* kill(getpid(), SIGUSR1) with xmm0, xmm1 and MXCSR set from in/mxcsr_in, and their values
 * right after the handler returned: no library code runs between. */
static void signal_with_fpu(const struct xmm in[2], uint32_t mxcsr_in, struct xmm out[2],
			    uint32_t *mxcsr_out)
{
	long nr = SYS_kill;
	uint32_t def = MXCSR_DEFAULT;
	__asm__ volatile("movdqu (%[in]), %%xmm0\n\t"
			 "movdqu 16(%[in]), %%xmm1\n\t"
			 "ldmxcsr %[mi]\n\t"
			 "syscall\n\t"
			 "movdqu %%xmm0, (%[out])\n\t"
			 "movdqu %%xmm1, 16(%[out])\n\t"
			 "stmxcsr %[mo]\n\t"
			 "ldmxcsr %[def]"
			 : [mo] "=m"(*mxcsr_out), "+a"(nr)
			 : [in] "r"(in), [out] "r"(out), [mi] "m"(mxcsr_in), [def] "m"(def),
			   "D"((long)getpid()), "S"((long)SIGUSR1)
			 : "rcx", "r11", "xmm0", "xmm1", "memory");
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };
	sigaction(sig, &sa, NULL);
}

static bool same(const struct xmm *a, const struct xmm *b)
{
	return a->lo == b->lo && a->hi == b->hi;
}

/* Signal with pattern and MXCSR_ROUND_ZERO in the registers, the handler doing e: after the
 * return xmm0 must be as sent, xmm1 and MXCSR as wanted. */
static void round_trip(const char *name, enum edit e, const struct xmm *want1,
		       uint32_t want_mxcsr)
{
	struct xmm out[2];
	uint32_t mxcsr;
	edit = e;
	signal_with_fpu(pattern, MXCSR_ROUND_ZERO, out, &mxcsr);
	test_result(name, same(&out[0], &pattern[0]) && same(&out[1], want1) && mxcsr == want_mxcsr,
		    "xmm0 %#llx xmm1 %#llx mxcsr %#x", (unsigned long long)out[0].lo,
		    (unsigned long long)out[1].lo, mxcsr);
}

static void test_round_trips(void)
{
	round_trip("state_back_after_return", EDIT_NONE, &pattern[1], MXCSR_ROUND_ZERO);
	test_result("frame_holds_live_state",
		    same(&framed[0], &pattern[0]) && same(&framed[1], &pattern[1]) &&
			    framed_mxcsr == MXCSR_ROUND_ZERO,
		    "frame xmm0 %#llx xmm1 %#llx mxcsr %#x", (unsigned long long)framed[0].lo,
		    (unsigned long long)framed[1].lo, framed_mxcsr);
	test_result("handler_starts_clean",
		    !live[0].lo && !live[0].hi && !live[1].lo && !live[1].hi &&
			    live_mxcsr == MXCSR_DEFAULT,
		    "live xmm0 %#llx xmm1 %#llx mxcsr %#x", (unsigned long long)live[0].lo,
		    (unsigned long long)live[1].lo, live_mxcsr);
	round_trip("handler_edits_restored", EDIT_XMM1_MXCSR, &edited, MXCSR_ROUND_DOWN);
	round_trip("moved_image_restored", EDIT_MOVED, &edited, MXCSR_ROUND_ZERO);
}

/* In a child: the refused image must end in SIGSEGV, whose handler (when `clean_check`) sees
 * a clean FPU and exits 0. */
static int refused_status(enum edit e, bool clean_check)
{
	pid_t pid = fork();
	if (pid == 0) {
		edit = e;
		if (clean_check)
			handle(SIGSEGV, on_segv);
		struct xmm out[2];
		uint32_t mxcsr;
		signal_with_fpu(pattern, MXCSR_ROUND_ZERO, out, &mxcsr);
		_exit(10); /* not reached: the image must be refused */
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void refused(const char *name, enum edit e)
{
	int st = refused_status(e, false);
	test_result(name, WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x", st);
}

int main(void)
{
	test_begin("signal_fpu");
	noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	handle(SIGUSR1, on_usr1);
	test_round_trips();
	refused("header_reserved_byte_segv", EDIT_HEADER_RESERVED);
	refused("xstate_bv_not_in_xcr0_segv", EDIT_XSTATE_BV);
	refused("unmapped_image_segv", EDIT_UNMAPPED);
	refused("misaligned_image_segv", EDIT_MISALIGNED);
	int st = refused_status(EDIT_HEADER_RESERVED, true);
	test_result("refused_image_leaves_clean_fpu", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "status %#x (20: not a clean state)", st);
	test_end();
}
