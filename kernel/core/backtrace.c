/* Symbolized backtraces: the loader keeps the kernel ELF file in memory, so its .symtab gives
 * names to return addresses found by walking saved frame pointers. Only fatal paths call this,
 * so it prints with emergency_printk and trusts nothing it reads from the stack. */
#include <core/backtrace.h>
#include <core/printk.h>
#include <lib/elf.h>
#include <mm/layout.h>

#define BACKTRACE_MAX_FRAMES 24

static struct elf_symtab symtab;
static bool have_symtab;

void symbols_init(uint64_t kernel_file_phys, uint64_t kernel_file_size)
{
	if (!kernel_file_phys)
		return;
	have_symtab = elf_find_symtab(phys_to_virt(kernel_file_phys), kernel_file_size, &symtab) == 0;
}

/* Return addresses are looked up one byte back: a call that ends a noreturn function pushes an
 * address just past that function's end. */
static void print_frame(uint64_t addr, bool is_return)
{
	uint64_t off = 0;
	const char *name = have_symtab ? elf_symbolize(&symtab, addr - is_return, &off) : NULL;
	if (name)
		emergency_printk("  [<%016lx>] %s+0x%lx\n", addr, name, off + is_return);
	else
		emergency_printk("  [<%016lx>] ?\n", addr);
}

/* A frame pointer is followed only if it points into kernel memory and is aligned. */
static bool plausible_frame(uint64_t rbp)
{
	return rbp >= DIRECT_MAP_BASE && (rbp & 7) == 0 && rbp < 0xfffffffffffff000ULL;
}

int backtrace_save(uint64_t rbp, uint64_t *out, int max)
{
	int n = 0;
	while (n < max && plausible_frame(rbp)) {
		uint64_t *frame = (uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (ret < KERNEL_VIRT_BASE)
			break;
		out[n++] = ret;
		if (frame[0] <= rbp) /* stacks grow down: callers' frames are higher */
			break;
		rbp = frame[0];
	}
	return n;
}

void backtrace_print_saved(const uint64_t *addrs, int n)
{
	for (int i = 0; i < n; i++)
		print_frame(addrs[i], true);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	uint64_t frames[BACKTRACE_MAX_FRAMES];
	emergency_printk("Backtrace:\n");
	if (rip)
		print_frame(rip, false);
	backtrace_print_saved(frames, backtrace_save(rbp, frames, BACKTRACE_MAX_FRAMES));
}
