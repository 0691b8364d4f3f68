/* A QEMU TCG plugin that counts the guest instructions executed per translation block and, at
 * exit, writes "start-address instructions executions" lines (one per block that ran) to the
 * file named by its argument file=PATH. tools/insnprof.py turns that into an instruction
 * profile per function of the kernel and of a user program. A developer tool (bench/README.md,
 * "Where the instructions go"): nothing in the build or the tests depends on it.
 *
 * QEMU 7.2 installs no plugin header, so the few entry points used are declared here as the
 * QEMU plugin API documents them (API version 1). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *),
				    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* One translation of a block (a block translated twice has two; the report adds them). */
struct block {
	struct block *next;
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs; /* incremented by the translated code itself */
};

static struct block *blocks; /* translation happens under QEMU's lock: no lock needed here */
static char *out_path;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	struct block *b = calloc(1, sizeof(*b));
	if (!b)
		return;
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->execs, 1);
}

static void on_qemu_exit(qemu_plugin_id_t id, void *data)
{
	(void)id;
	(void)data;
	FILE *f = fopen(out_path, "w");
	if (!f)
		return;
	for (struct block *b = blocks; b; b = b->next)
		if (b->execs)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n", b->vaddr, b->insns,
				b->execs);
	fclose(f);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
							       const qemu_info_t *info, int argc,
							       char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "file=", 5))
			out_path = strdup(argv[i] + 5);
	if (!out_path) {
		fprintf(stderr, "insnprof: needs file=PATH\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
