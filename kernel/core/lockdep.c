/* The lock validator (see lockdep.h): lock classes by name, the order graph between classes as
 * an adjacency bit matrix with the stack of each edge's first sighting, and a stack of held
 * locks per CPU. Its own state is guarded by graph_lock, a bare test-and-set lock (a struct
 * spinlock would come back here); the per-CPU stacks are touched only by their CPU with
 * interrupts off. Only built with LOCKDEP=1. */
#include <core/lockdep.h>
#include <core/spinlock.h>
#include <core/backtrace.h>
#include <core/printk.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/percpu.h>

#define LD_MAX_CLASSES 256
#define LD_CLASS_SLOTS 512 /* open-addressing table from name to class: twice the classes */
#define LD_MAX_HELD 24
#define LD_MAX_EDGES 2048
#define LD_STACK_DEPTH 8
#define LD_WORDS (LD_MAX_CLASSES / 64)

struct ld_class {
	const char *name;
	bool irq_reported; /* "taken with interrupts enabled" said once */
};

struct ld_edge {
	uint16_t from, to;
	int depth;
	uint64_t stack[LD_STACK_DEPTH]; /* where `to` was first taken while holding `from` */
};

struct ld_held {
	const struct spinlock *lock;
	uint16_t cls;
};

struct ld_cpu {
	struct ld_held held[LD_MAX_HELD];
	unsigned depth;
	bool busy; /* inside the validator: locks taken by its printing are not tracked */
};

/* Guarded by graph_lock. */
static struct ld_class classes[LD_MAX_CLASSES];
static unsigned nr_classes;
static int16_t class_slot[LD_CLASS_SLOTS]; /* class index + 1; 0 = empty */
static uint64_t order[LD_MAX_CLASSES][LD_WORDS]; /* bit b of row a: edge a -> b */
static struct ld_edge edges[LD_MAX_EDGES];
static unsigned nr_edges;
static bool table_full_reported;
static int graph_lock;

static struct ld_cpu cpus[MAX_CPUS]; /* per CPU */
static uint64_t reports; /* atomic */
static int expected; /* atomic: the next report is a test's */

static void graph_acquire(void)
{
	while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void graph_release(void)
{
	__atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE);
}

/* The class of l (by the address of its name), made on first sight; -1 when the table is
 * full. graph_lock held. */
static int class_of(const struct spinlock *l)
{
	uint64_t h = ((uint64_t)l->name >> 3) * 0x9e3779b97f4a7c15ULL;
	for (unsigned probe = 0; probe < LD_CLASS_SLOTS; probe++) {
		unsigned slot = (unsigned)((h >> 40) + probe) % LD_CLASS_SLOTS;
		if (class_slot[slot] && classes[class_slot[slot] - 1].name == l->name)
			return class_slot[slot] - 1;
		if (!class_slot[slot]) {
			if (nr_classes == LD_MAX_CLASSES)
				return -1;
			classes[nr_classes].name = l->name;
			class_slot[slot] = (int16_t)(++nr_classes);
			return (int)nr_classes - 1;
		}
	}
	return -1;
}

static bool has_edge(unsigned a, unsigned b)
{
	return order[a][b / 64] & (1ULL << (b % 64));
}

static struct ld_edge *find_edge(unsigned a, unsigned b)
{
	for (unsigned i = 0; i < nr_edges; i++)
		if (edges[i].from == a && edges[i].to == b)
			return &edges[i];
	return NULL;
}

/* A path from -> ... -> to in the graph: its classes into path[] (from first); its length, or 0
 * when there is none. Breadth first, so the path is a shortest one. */
static unsigned find_path(unsigned from, unsigned to, uint16_t path[LD_MAX_CLASSES])
{
	static int16_t parent[LD_MAX_CLASSES]; /* graph_lock held: one search at a time */
	static uint16_t queue[LD_MAX_CLASSES];
	for (unsigned i = 0; i < nr_classes; i++)
		parent[i] = -1;
	unsigned head = 0, tail = 0;
	queue[tail++] = (uint16_t)from;
	parent[from] = (int16_t)from;
	while (head < tail) {
		unsigned a = queue[head++];
		for (unsigned b = 0; b < nr_classes; b++) {
			if (!has_edge(a, b) || parent[b] >= 0)
				continue;
			parent[b] = (int16_t)a;
			if (b == to) {
				unsigned n = 0;
				for (unsigned c = to; c != from; c = (unsigned)parent[c])
					path[n++] = (uint16_t)c;
				path[n++] = (uint16_t)from;
				for (unsigned i = 0; i < n / 2; i++) { /* reverse: from first */
					uint16_t tmp = path[i];
					path[i] = path[n - 1 - i];
					path[n - 1 - i] = tmp;
				}
				return n;
			}
			queue[tail++] = (uint16_t)b;
		}
	}
	return 0;
}

static void report_begin(const char *what)
{
	bool test = __atomic_exchange_n(&expected, 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&reports, 1, __ATOMIC_RELAXED);
	emergency_printk("%s %s on CPU %u\n", test ? "lockdep (expected):" : "lockdep:", what,
			 this_cpu_id());
}

static void print_current_stack(void)
{
	uint64_t stack[LD_STACK_DEPTH];
	emergency_printk("  this acquisition:\n");
	backtrace_print_saved(stack, backtrace_save((uint64_t)__builtin_frame_address(0), stack,
						    LD_STACK_DEPTH));
}

/* Taking class b while holding class a closes a cycle b -> ... -> a. */
static void report_inversion(unsigned a, unsigned b)
{
	uint16_t path[LD_MAX_CLASSES];
	unsigned n = find_path(b, a, path);
	report_begin("lock order inversion");
	emergency_printk("  taking \"%s\" while holding \"%s\"; the opposite order was seen:\n",
			 classes[b].name, classes[a].name);
	for (unsigned i = 0; i + 1 < n; i++) {
		const struct ld_edge *e = find_edge(path[i], path[i + 1]);
		emergency_printk("  \"%s\" then \"%s\" at:\n", classes[path[i]].name,
				 classes[path[i + 1]].name);
		if (e)
			backtrace_print_saved(e->stack, e->depth);
	}
	print_current_stack();
}

static void add_edge(unsigned a, unsigned b)
{
	order[a][b / 64] |= 1ULL << (b % 64);
	if (nr_edges == LD_MAX_EDGES) {
		if (!table_full_reported)
			emergency_printk("lockdep: edge table full; stacks of new edges not kept\n");
		table_full_reported = true;
		return;
	}
	struct ld_edge *e = &edges[nr_edges++];
	e->from = (uint16_t)a;
	e->to = (uint16_t)b;
	e->depth = backtrace_save((uint64_t)__builtin_frame_address(0), e->stack, LD_STACK_DEPTH);
}

/* Check taking l (class c) against what this CPU holds; graph_lock held. */
static void check_order(const struct ld_cpu *me, const struct spinlock *l, unsigned c,
			bool nested)
{
	for (unsigned i = 0; i < me->depth; i++) {
		unsigned h = me->held[i].cls;
		if (h == c) {
			if (!nested && (uint64_t)me->held[i].lock > (uint64_t)l) {
				report_begin("nesting of one lock class in decreasing address order");
				emergency_printk("  class \"%s\"\n", classes[c].name);
				print_current_stack();
			}
			continue;
		}
		if (has_edge(h, c))
			continue;
		uint16_t path[LD_MAX_CLASSES];
		if (find_path(c, h, path))
			report_inversion(h, c);
		add_edge(h, c);
	}
}

void lockdep_acquire(const struct spinlock *l, bool nested)
{
	uint64_t flags = irq_save();
	struct ld_cpu *me = &cpus[this_cpu_id()];
	if (me->busy) {
		irq_restore(flags);
		return;
	}
	me->busy = true;
	graph_acquire();
	int c = class_of(l);
	if (c >= 0) {
		if ((flags & RFLAGS_IF) && !classes[c].irq_reported) {
			classes[c].irq_reported = true;
			report_begin("spinlock taken with interrupts enabled");
			emergency_printk("  class \"%s\"\n", classes[c].name);
			print_current_stack();
		}
		check_order(me, l, (unsigned)c, nested);
	} else if (!table_full_reported) {
		table_full_reported = true;
		emergency_printk("lockdep: class table full; new classes not checked\n");
	}
	graph_release();
	if (c >= 0 && me->depth < LD_MAX_HELD)
		me->held[me->depth++] = (struct ld_held){ .lock = l, .cls = (uint16_t)c };
	me->busy = false;
	irq_restore(flags);
}

/* Locks may be released in any order; a lock the validator did not track is ignored. */
void lockdep_release(const struct spinlock *l)
{
	uint64_t flags = irq_save();
	struct ld_cpu *me = &cpus[this_cpu_id()];
	for (unsigned i = me->depth; i-- > 0;) {
		if (me->held[i].lock != l)
			continue;
		for (unsigned j = i; j + 1 < me->depth; j++)
			me->held[j] = me->held[j + 1];
		me->depth--;
		break;
	}
	irq_restore(flags);
}

uint64_t lockdep_reports(void)
{
	return __atomic_load_n(&reports, __ATOMIC_RELAXED);
}

void lockdep_expect_report(void)
{
	__atomic_store_n(&expected, 1, __ATOMIC_RELAXED);
}
