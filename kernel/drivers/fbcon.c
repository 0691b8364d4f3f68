/* The framebuffer console's kernel half: finds the framebuffer in boot_info, allocates the cell
 * grids, replays the log ring and registers with printk. The drawing itself is fbcon_render.c.
 * Lock order: console_lock (printk), then fbcon_lock. */
#include <drivers/fbcon.h>
#include <drivers/fbcon_render.h>
#include <core/boot.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>

#define FB_BYTES_PER_PIXEL 4
#define REPLAY_MAX (64 * 1024) /* the log ring's size: the replay gets all of it */

static struct spinlock fbcon_lock = SPINLOCK_INIT("fbcon");
/* fbcon_lock guards term; `ready` is set once, after term is complete. */
static struct fbcon_term term;
static bool ready;

/* Called by printk with console_lock held, and by fatal paths without it: if this CPU already
 * holds fbcon_lock, it broke while drawing, and drawing again would deadlock; skip instead. */
void fbcon_write(const char *s, size_t n)
{
	if (!READ_ONCE(ready) || spin_held(&fbcon_lock))
		return;
	uint64_t flags = spin_lock_irqsave(&fbcon_lock);
	fbcon_term_write(&term, s, n);
	spin_unlock_irqrestore(&fbcon_lock, flags);
}

static struct console fb_console = { .name = "fb0", .write = fbcon_write };

/* The loader's description, checked: a framebuffer we would draw outside of is not used. */
static bool surface_from_boot(struct fbcon_surface *s)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	if (fb->format == BOOT_FB_NONE || fb->base == 0)
		return false;
	if (fb->format != BOOT_FB_RGBX && fb->format != BOOT_FB_BGRX)
		return false;
	if (fb->width == 0 || fb->height == 0 || fb->pitch < fb->width ||
	    (uint64_t)fb->pitch * fb->height * FB_BYTES_PER_PIXEL > fb->size) {
		pr_warn("fbcon: inconsistent framebuffer %ux%u pitch %u size %#lx; not used\n",
			fb->width, fb->height, fb->pitch, fb->size);
		return false;
	}
	s->pixels = phys_to_virt(fb->base);
	s->width = fb->width;
	s->height = fb->height;
	s->pitch = fb->pitch;
	s->order = fb->format == BOOT_FB_RGBX ? FBCON_RGBX : FBCON_BGRX;
	return true;
}

/* Everything logged before the console existed, so the screen shows the whole boot. Nothing
 * prints between this and console_register (one CPU, no interrupt handlers log yet). */
static void replay_log(void)
{
	char *buf = kmalloc(REPLAY_MAX);
	if (!buf)
		return;
	size_t n = printk_read_ring(buf, REPLAY_MAX);
	fbcon_term_write(&term, buf, n);
	kfree(buf);
}

void fbcon_init(void)
{
	struct fbcon_surface s;
	if (!surface_from_boot(&s))
		return;
	size_t ncells = fbcon_grid_cells(s.width, s.height);
	struct fbcon_cell *cells = kmalloc(ncells * sizeof(*cells));
	struct fbcon_cell *shown = kmalloc(ncells * sizeof(*shown));
	if (!cells || !shown || fbcon_term_init(&term, &s, cells, shown, ncells) < 0) {
		pr_err("fbcon: cannot set up a %ux%u console\n", s.width, s.height);
		kfree(cells);
		kfree(shown);
		return;
	}
	replay_log();
	WRITE_ONCE(ready, true);
	console_register(&fb_console);
	pr_info("fbcon: %ux%u text console on a %ux%u framebuffer at %#lx\n", term.cols, term.rows,
		s.width, s.height, boot_info.fb.base);
}
