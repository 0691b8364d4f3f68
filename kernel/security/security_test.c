/* In-kernel self-tests of the hardening: the W^X audit catches a planted writable+executable
 * page, the CSPRNG produces varying output, the stack canary is random. */
#include <core/ktest.h>
#include <security/wx_audit.h>
#include <security/random.h>
#include <mm/kvm.h>
#include <mm/vmap.h>
#include <mm/phys.h>
#include <mm/paging.h>
#include <mm/layout.h>
#include <lib/string.h>

extern uint64_t __stack_chk_guard;

KTEST(wx_audit_catches_planted_wx_page)
{
	KEXPECT(wx_audit(kernel_pml4_pa) == 0);
	/* Plant the mapping in a stack's guard page: KVA space we own and is unmapped. */
	uint64_t top = kstack_alloc(1);
	uint64_t pa = phys_alloc_pages(0);
	if (!KEXPECT(top && pa))
		return;
	uint64_t guard = top - 2 * PAGE_SIZE;
	KEXPECT(kvm_map_page(guard, pa, PTE_W) == 0); /* writable, executable: forbidden */
	KEXPECT(wx_audit(kernel_pml4_pa) == 1);
	kvm_unmap_page(guard);
	KEXPECT(wx_audit(kernel_pml4_pa) == 0);
	phys_free_pages(pa, 0);
	kstack_free(top, 1);
}

KTEST(random_bytes_vary)
{
	uint8_t a[32], b[32], zero[32] = { 0 };
	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
	KEXPECT(memcmp(a, zero, sizeof(a)) != 0);
}

KTEST(stack_canary_is_random)
{
	KEXPECT(__stack_chk_guard != 0x5a45524f2d4f5300ULL);
	KEXPECT((__stack_chk_guard & 0xff) == 0);
	KEXPECT(__stack_chk_guard >> 8 != 0);
}
