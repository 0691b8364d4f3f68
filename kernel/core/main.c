/* kernel_main: the boot sequence, from the loader's hand-over to the idle loop. Each step brings
 * up one subsystem; the order matters and is commented where it is not obvious. */
#include <core/boot.h>
#include <core/printk.h>
#include <core/panic.h>
#include <core/backtrace.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/cpu.h>
#include <drivers/serial.h>
#include <drivers/fbcon.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <lib/cmdline.h>
#include <core/ktest.h>
#include <core/test_hook.h>
#include <arch/x86_64/power.h>
#include <arch/x86_64/cpu_features.h>
#include <arch/x86_64/fpu.h>
#include <sched/sched.h>
#include <ipc/futex.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/smp.h>
#include <mm/tlb.h>
#include <arch/x86_64/ioapic.h>
#include <arch/x86_64/timer.h>
#include <drivers/acpi.h>
#include <drivers/pci/pci.h>
#include <drivers/virtio/virtio_blk.h>
#include <drivers/ahci/ahci.h>
#include <drivers/nvme/nvme.h>
#include <mm/phys.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/pic.h>
#include <mm/kvm.h>
#include <mm/vm.h>
#include <security/random.h>
#include <security/wx_audit.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <fs/vfs.h>
#include <drivers/mem_devices.h>
#include <drivers/tty.h>
#include <arch/x86_64/syscall.h>
#include <core/walltime.h>
#include <drivers/console_io.h>

struct boot_info boot_info;
uint64_t kernel_phys_base;

/* The loader's struct is read through the direct map and copied, after checking that it is the
 * version this kernel understands: a mismatched loader must not be trusted field by field. */
static void take_boot_info(uint64_t bi_phys)
{
	const struct boot_info *src = phys_to_virt(bi_phys);
	if (src->magic != BOOT_INFO_MAGIC || src->version != BOOT_INFO_VERSION ||
	    src->size != sizeof(struct boot_info))
		panic("boot_info from the loader is not version %u (magic %lx version %u size %u)",
		      BOOT_INFO_VERSION, src->magic, src->version, src->size);
	memcpy(&boot_info, src, sizeof(boot_info));
	boot_info.cmdline[BOOT_CMDLINE_MAX - 1] = 0;
	if (boot_info.memmap_count > BOOT_MEMMAP_MAX)
		panic("boot_info: %u memory regions", boot_info.memmap_count);
	kernel_phys_base = boot_info.kernel_phys;
}

/* The self-tests run in a thread of their own, so that they can block and be preempted. "exit"
 * on the command line powers the machine off afterwards, with their result as the status. */
static void ktest_thread(void *unused)
{
	char prefix[64];
	(void)unused;
	if (cmdline_get(boot_info.cmdline, "ktest", prefix, sizeof(prefix)) < 0)
		prefix[0] = 0;
	int failed = ktest_run_all(prefix);
	if (cmdline_has(boot_info.cmdline, "exit"))
		machine_exit(failed ? 1 : 0);
}

static void start_thread(const char *name, void (*fn)(void *))
{
	struct thread *t = thread_create_kernel(name, fn, NULL);
	if (!t)
		panic("cannot start the %s thread", name);
	sched_add_thread(t);
}

/* The boot flow becomes this CPU's idle thread once the first threads are started. */
static __noreturn void boot_finish(void)
{
	if (cmdline_has(boot_info.cmdline, "ktest"))
		start_thread("ktest", ktest_thread);
	if (cmdline_has(boot_info.cmdline, "testhooks"))
		test_hooks_enable();
	/* [proc] start init */
	mem_devices_init();
	tty_init();
	vfs_init(boot_info.initramfs.base, boot_info.initramfs.size);
	/* Disks after /dev exists (their nodes) and before init (which may want them). */
	pci_init(boot_info.cmdline);
	virtio_blk_init();
	ahci_init();
	nvme_init();
	if (!cmdline_has(boot_info.cmdline, "ktest")) /* the self-tests run without user space */
		proc_start_init(boot_info.cmdline);
	pr_info("boot complete\n");
	sched_idle();
}

__noreturn void kernel_main(uint64_t bi_phys)
{
	percpu_init_cpu(0, 0);
	serial_init();
	take_boot_info(bi_phys);
	pr_info("Zero-OS kernel starting (image at phys %#lx, %lu KiB)\n", boot_info.kernel_phys,
		boot_info.kernel_size / 1024);
	pr_info("command line: \"%s\"\n", boot_info.cmdline);
	symbols_init(boot_info.kernel_file.base, boot_info.kernel_file.size);

	cpu_features_init();

	/* Our own descriptor tables before anything can fault. */
	gdt_init_cpu(0);
	idt_init();
	pic_disable();

	/* Physical memory, the kernel's own page tables, then the firmware's memory back (its GDT,
	 * IDT and the loader's stack lived there; ours are in place by now). */
	phys_init();
	kvm_init();
	gdt_guard_boot_stacks();
	vm_init(); /* page reference counts, zero page, page-fault handler */
	phys_reclaim_boot_services();

	/* The framebuffer console, replaying the log so far. */
	fbcon_init();

	/* ACPI tables, interrupt controllers, clocks and the periodic tick. */
	acpi_init(boot_info.acpi_rsdp);
	lapic_init();
	ioapic_init();
	timer_init();

	random_init();
	wx_audit_boot();
	fpu_init_cpu();
	sched_init_cpu(0);
	timer_set_tick_hook(sched_tick);
	walltime_init();
	console_io_init();
	syscall_init();
	futex_init();
	signal_init(); /* user faults become signals; the ITIMER_REAL thread */
	tlb_init();
	smp_boot(); /* the other CPUs, once everything they share is set up */
	boot_finish();
}
