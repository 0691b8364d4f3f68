/* W^X audit over the page tables, through the shared walker (mm/paging.c). */
#include <security/wx_audit.h>
#include <mm/paging.h>
#include <mm/kvm.h>
#include <core/panic.h>
#include <core/printk.h>

struct audit {
	uint64_t leaves, violations;
};

static void check_leaf(uint64_t va, uint64_t pa, uint64_t size, uint64_t eff, void *ctx)
{
	struct audit *a = ctx;
	a->leaves++;
	if ((eff & PTE_W) && !(eff & PTE_NX)) {
		a->violations++;
		pr_err("W^X violation: %#lx (%lu KiB at phys %#lx) is writable and executable\n", va,
		       size >> 10, pa);
	}
}

static struct audit run(uint64_t pml4_pa)
{
	struct audit a = { 0, 0 };
	pt_walk_leaves(pml4_pa, 0, ~0ULL, check_leaf, &a);
	return a;
}

uint64_t wx_audit(uint64_t pml4_pa)
{
	return run(pml4_pa).violations;
}

void wx_audit_boot(void)
{
	struct audit a = run(kernel_pml4_pa);
	if (a.violations)
		panic("W^X audit failed: %lu writable+executable mappings", a.violations);
	pr_info("W^X audit passed (%lu mappings checked)\n", a.leaves);
}
