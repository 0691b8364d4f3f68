/* Host tests for kernel/lib/elf.c: a valid image passes with the right elf_info; every header
 * and segment defect is rejected with its reason; truncation at every length and thousands of
 * random mutations never crash and never get a bad image accepted; real binaries (busybox, this
 * test itself) pass; the symbolizer names synthetic symbols and this binary's own functions. */
#include "test.h"
#include "elf_image.h"
#include <lib/elf.h>
#include <uapi/errno.h>
#include <string.h>

/* From <sys/auxv.h>, which cannot be included: it pulls in the C library's <elf.h>, whose
 * typedefs collide with ours. */
unsigned long getauxval(unsigned long type);
#define AT_PHDR 3

#define MUTATION_ROUNDS 6000

int main(void); /* defined by TEST_MAIN; symbolized below */
#define USER_LIMIT 0x800000000000ULL /* end of the lower canonical half */

static uint64_t storage[TIMG_STORAGE_WORDS];
static uint8_t *const img = (uint8_t *)storage;
static struct elf_limits lim;
static struct elf_info info;
static const char *why;

/* A fresh valid image and default limits for each case. */
static void fresh(void)
{
	timg_build(img);
	lim = timg_limits();
	memset(&info, 0, sizeof(info));
	why = NULL;
}

static int check_image(size_t size)
{
	why = NULL;
	return elf_check(img, size, &lim, &info, &why);
}

#define CHECK_REJECTS(reason)                                 \
	do {                                                  \
		CHECK_EQ(check_image(TIMG_SIZE), -ENOEXEC);   \
		CHECK_STREQ(why, reason);                     \
	} while (0)

#define CHECK_ACCEPTS()                                       \
	do {                                                  \
		int rc_ = check_image(TIMG_SIZE);             \
		if (rc_ != 0)                                 \
			test_fail(__FILE__, __LINE__, "rejected: %s", why ? why : "?"); \
		CHECK_EQ(rc_, 0);                             \
	} while (0)

static void valid_image_passes(void)
{
	fresh();
	CHECK_ACCEPTS();
	CHECK_EQ(info.entry, TIMG_ENTRY);
	CHECK_EQ(info.vaddr_lo, TIMG_BASE);
	CHECK_EQ(info.vaddr_hi, TIMG_BASE + 0x3000);
	CHECK_EQ(info.phnum, TIMG_PHNUM);
	CHECK_EQ(info.phoff, TIMG_PHOFF);
	CHECK_EQ(info.phdr_vaddr, TIMG_BASE + TIMG_PHOFF);
	CHECK(oracle_accepts(img, TIMG_SIZE, &lim, &info));
	CHECK(elf_phdr(img, 0) == timg_phdr(img, 0));
	CHECK(elf_phdr(img, 2) == timg_phdr(img, 2));
	CHECK(elf_phdr(img, 3) == NULL);
	CHECK(why == NULL); /* untouched on success */
}

/* Every prefix shorter than the segments' file data is rejected; reads stay inside the
 * exactly-sized heap copy (ASan). Longer prefixes pass elf_check but not elf_find_symtab
 * until the section headers are complete. */
static void truncated_at_every_length(void)
{
	struct elf_symtab st;

	fresh();
	for (size_t len = 0; len < TIMG_SIZE; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		CHECK(copy);
		memcpy(copy, img, len);
		int rc = elf_check(copy, len, &lim, &info, &why);
		int st_rc = elf_find_symtab(copy, len, &st);
		free(copy);
		if (len < TIMG_SEGMENTS_END)
			CHECK_EQ(rc, -ENOEXEC);
		else
			CHECK_EQ(rc, 0);
		CHECK_EQ(st_rc, len < TIMG_SIZE ? -ENOEXEC : 0);
	}
}

static void bad_identity_rejected(void)
{
	fresh();
	img[EI_MAG1] = 'e';
	CHECK_REJECTS("bad magic");
	fresh();
	img[EI_CLASS] = 1; /* ELFCLASS32 */
	CHECK_REJECTS("not a 64-bit ELF file");
	fresh();
	img[EI_DATA] = 2; /* big-endian */
	CHECK_REJECTS("not little-endian");
	fresh();
	img[EI_VERSION] = 0;
	CHECK_REJECTS("unsupported ELF version");
	fresh();
	timg_ehdr(img)->e_version = 2;
	CHECK_REJECTS("unsupported ELF version");
	fresh();
	timg_ehdr(img)->e_machine = 3; /* EM_386 */
	CHECK_REJECTS("not an x86-64 file");
	fresh();
	timg_ehdr(img)->e_ehsize = 52;
	CHECK_REJECTS("bad ELF header size");
	fresh();
	timg_ehdr(img)->e_type = ET_DYN;
	CHECK_REJECTS("wrong ELF type");
	fresh();
	lim.type = ET_DYN;
	CHECK_REJECTS("wrong ELF type");
	fresh();
	timg_ehdr(img)->e_phentsize = 32;
	CHECK_REJECTS("bad program header entry size");
	fresh();
	CHECK_EQ(elf_check(img, 10, &lim, &info, &why), -ENOEXEC);
	CHECK_STREQ(why, "file too small for an ELF header");
}

static void program_header_table_checked(void)
{
	fresh();
	timg_ehdr(img)->e_phnum = 0;
	CHECK_REJECTS("no program headers");
	fresh();
	lim.max_phnum = 2;
	CHECK_REJECTS("too many program headers");
	fresh();
	lim.max_phnum = 0xffff;
	timg_ehdr(img)->e_phnum = PN_XNUM;
	CHECK_REJECTS("too many program headers");
	fresh();
	timg_ehdr(img)->e_phoff = 65;
	CHECK_REJECTS("misaligned program headers");
	fresh();
	timg_ehdr(img)->e_phoff = UINT64_MAX - 7; /* aligned, and phoff + table wraps */
	CHECK_REJECTS("program headers outside file");
	fresh();
	timg_ehdr(img)->e_phoff = TIMG_SIZE - 8; /* starts inside, ends past the end */
	CHECK_REJECTS("program headers outside file");
	fresh();
	timg_ehdr(img)->e_phoff = TIMG_SIZE;
	CHECK_REJECTS("program headers outside file");
	fresh();
	lim.max_phnum = 0xffff;
	timg_ehdr(img)->e_phnum = 0xfffe; /* a huge count must be bounded by the file size */
	CHECK_REJECTS("program headers outside file");
}

static void segment_file_range_checked(void)
{
	fresh();
	timg_phdr(img, TIMG_DATA)->p_offset = 0xfffffffffffff000ULL; /* offset + filesz wraps */
	timg_phdr(img, TIMG_DATA)->p_vaddr = TIMG_BASE + 0x1000;
	CHECK_REJECTS("segment outside file");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_filesz = TIMG_SIZE; /* ends past the file */
	timg_phdr(img, TIMG_DATA)->p_memsz = 0x10000;
	CHECK_REJECTS("segment outside file");
	fresh();
	timg_phdr(img, TIMG_STACK)->p_offset = TIMG_SIZE; /* non-load headers are bounded too */
	timg_phdr(img, TIMG_STACK)->p_filesz = 1;
	CHECK_REJECTS("segment outside file");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_memsz = TIMG_DATA_FILESZ - 1; /* more file bytes than memory */
	CHECK_REJECTS("segment file size exceeds memory size");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_filesz = 0;
	timg_phdr(img, TIMG_DATA)->p_memsz = 0;
	CHECK_REJECTS("empty loadable segment");
}

static void segment_addresses_checked(void)
{
	fresh();
	lim.vaddr_min = 0;
	lim.vaddr_max = UINT64_MAX;
	timg_phdr(img, TIMG_DATA)->p_vaddr = 0xfffffffffffff000ULL;
	timg_phdr(img, TIMG_DATA)->p_memsz = 0x2000; /* vaddr + memsz wraps */
	CHECK_REJECTS("segment address range wraps");
	fresh();
	lim.vaddr_min = 0;
	lim.vaddr_max = UINT64_MAX;
	timg_phdr(img, TIMG_DATA)->p_vaddr = 0xfffffffffffff000ULL;
	timg_phdr(img, TIMG_DATA)->p_memsz = 0xfff; /* ends at 2^64-1: its last page would wrap */
	CHECK_REJECTS("segment address range wraps");
	fresh();
	lim.vaddr_min = TIMG_BASE + 0x1000; /* text starts below */
	CHECK_REJECTS("segment outside allowed address range");
	fresh();
	lim.vaddr_max = TIMG_BASE + 0x2fff; /* data's last page ends above */
	CHECK_REJECTS("segment outside allowed address range");
	fresh();
	lim.vaddr_max = TIMG_BASE + 0x3000; /* exactly fits: [min, max) */
	CHECK_ACCEPTS();
	fresh();
	timg_phdr(img, TIMG_DATA)->p_memsz = 0x800000000000ULL; /* ends far past the limit */
	CHECK_REJECTS("segment outside allowed address range");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_vaddr = TIMG_BASE + 0x1010; /* vaddr != offset mod page */
	CHECK_REJECTS("segment address and file offset disagree modulo the page size");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_align = 0x3000;
	CHECK_REJECTS("segment alignment not a power of two");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_align = 0;
	timg_phdr(img, TIMG_TEXT)->p_align = 1;
	CHECK_ACCEPTS();
	fresh();
	timg_phdr(img, TIMG_DATA)->p_align = 0x200000;
	CHECK_ACCEPTS();
}

static void segment_order_checked(void)
{
	Elf64_Phdr tmp;

	fresh();
	tmp = *timg_phdr(img, TIMG_TEXT);
	*timg_phdr(img, TIMG_TEXT) = *timg_phdr(img, TIMG_DATA);
	*timg_phdr(img, TIMG_DATA) = tmp;
	CHECK_REJECTS("segments not sorted by address");
	fresh();
	timg_phdr(img, TIMG_TEXT)->p_memsz = 0x1001; /* text's last page is data's first page */
	CHECK_REJECTS("segment overlaps previous");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_vaddr = TIMG_BASE; /* same start */
	timg_phdr(img, TIMG_DATA)->p_offset = 0;
	CHECK_REJECTS("segment overlaps previous");
	fresh();
	timg_phdr(img, TIMG_DATA)->p_type = PT_NOTE;
	timg_phdr(img, TIMG_TEXT)->p_type = PT_NOTE;
	CHECK_REJECTS("no loadable segments");
}

static void write_execute_and_entry_checked(void)
{
	fresh();
	timg_phdr(img, TIMG_TEXT)->p_flags = PF_R | PF_W | PF_X;
	CHECK_REJECTS("writable and executable segment");
	lim.allow_wx = true;
	CHECK_ACCEPTS();
	fresh();
	timg_ehdr(img)->e_entry = TIMG_BASE + 0x1010; /* in data: not executable */
	CHECK_REJECTS("entry point not in an executable segment");
	fresh();
	timg_ehdr(img)->e_entry = TIMG_BASE + 0x1000; /* one past the end of text */
	CHECK_REJECTS("entry point not in an executable segment");
	fresh();
	timg_ehdr(img)->e_entry = TIMG_BASE + 0xfff; /* last byte of text */
	CHECK_ACCEPTS();
	fresh();
	timg_ehdr(img)->e_entry = 0;
	CHECK_REJECTS("entry point not in an executable segment");
	fresh();
	timg_phdr(img, TIMG_TEXT)->p_flags = PF_R;
	CHECK_REJECTS("entry point not in an executable segment");
}

static void phdr_vaddr_only_when_mapped(void)
{
	fresh();
	timg_phdr(img, TIMG_TEXT)->p_filesz = 0x40; /* maps the ELF header only */
	CHECK_ACCEPTS();
	CHECK_EQ(info.phdr_vaddr, 0);
	fresh();
	timg_phdr(img, TIMG_TEXT)->p_filesz = TIMG_PHOFF + TIMG_PHNUM * sizeof(Elf64_Phdr);
	CHECK_ACCEPTS();
	CHECK_EQ(info.phdr_vaddr, TIMG_BASE + TIMG_PHOFF);
}

static void invalid_arguments(void)
{
	fresh();
	CHECK_EQ(elf_check(img + 1, TIMG_SIZE - 1, &lim, &info, &why), -EINVAL);
	CHECK_EQ(elf_check(NULL, 0, &lim, &info, &why), -EINVAL);
	CHECK_EQ(elf_check(img, TIMG_SIZE, NULL, &info, &why), -EINVAL);
	CHECK_EQ(elf_check(img, TIMG_SIZE, &lim, NULL, &why), -EINVAL);
	lim.vaddr_min = lim.vaddr_max + 1;
	CHECK_EQ(elf_check(img, TIMG_SIZE, &lim, &info, &why), -EINVAL);
	lim = timg_limits();
	CHECK_EQ(elf_check(img, TIMG_SIZE, &lim, &info, NULL), 0); /* why is optional */
	img[0] = 0;
	CHECK_EQ(elf_check(img, TIMG_SIZE, &lim, &info, NULL), -ENOEXEC);
}

/* exec's view: only the first page is at hand. The program headers must lie in it; the
 * segments are checked against the whole file's size. */
static void head_only_check(void)
{
	fresh();
	CHECK_EQ(elf_check_head(img, 4096, TIMG_SIZE, &lim, &info, &why), 0);
	CHECK_EQ(info.entry, TIMG_ENTRY);
	CHECK_EQ(elf_check_head(img, 64, TIMG_SIZE, &lim, &info, &why), -ENOEXEC);
	CHECK_STREQ(why, "program headers outside file");
	CHECK_EQ(elf_check_head(img, TIMG_SIZE, TIMG_SIZE - 1, &lim, &info, &why), -EINVAL);
	/* A segment past the end of the file is refused even though the head is fine. */
	CHECK_EQ(elf_check_head(img, 4096, TIMG_SEGMENTS_END - 1, &lim, &info, &why), -ENOEXEC);
	CHECK_STREQ(why, "segment outside file");
}

/* Random mutations of the valid image: nothing may crash (ASan/UBSan), and whatever is
 * accepted must satisfy the independent oracle. */
static void mutate(uint8_t *buf, size_t size)
{
	static const uint64_t interesting[] = { 0, 1, 7, 8, 0x1000, 0xfff, TIMG_SIZE,
						TIMG_SIZE - 1, 0x7fffffffffffffffULL, UINT64_MAX,
						UINT64_MAX - 0xfff, TIMG_BASE, 0x10000 };
	unsigned n = 1 + (unsigned)test_rand_below(6);

	for (unsigned i = 0; i < n && size; i++) {
		/* Mostly the headers, where every byte matters. */
		size_t span = test_rand_below(4) ? TIMG_PHOFF + TIMG_PHNUM * sizeof(Elf64_Phdr) : size;
		size_t at = test_rand_below(span < size ? span : size);
		switch (test_rand_below(3)) {
		case 0: buf[at] ^= (uint8_t)(1u << test_rand_below(8)); break;
		case 1: buf[at] = (uint8_t)test_rand(); break;
		default: {
			uint64_t v = interesting[test_rand_below(sizeof(interesting) / sizeof(interesting[0]))];
			at &= ~(size_t)7;
			if (at + 8 <= size)
				memcpy(buf + at, &v, 8);
		}
		}
	}
}

static void random_symbol_lookups(const uint8_t *buf, size_t size)
{
	struct elf_symtab st;
	uint64_t off;

	if (elf_find_symtab(buf, size, &st) != 0)
		return;
	for (int i = 0; i < 8; i++) {
		const char *name = elf_symbolize(&st, TIMG_BASE + test_rand_below(0x3000), &off);
		if (name) /* must lie inside the string table, terminated there */
			EXPECT(name >= st.strtab && name < st.strtab + st.strsize &&
			       memchr(name, 0, (size_t)(st.strtab + st.strsize - name)) != NULL);
	}
}

static void random_mutations_never_crash(void)
{
	unsigned accepted = 0;

	fresh();
	test_srand(0xe1f0001);
	for (int round = 0; round < MUTATION_ROUNDS; round++) {
		size_t size = test_rand_below(8) ? TIMG_SIZE : test_rand_below(TIMG_SIZE + 1);
		uint8_t *buf = malloc(size ? size : 1);
		CHECK(buf);
		memcpy(buf, img, size);
		mutate(buf, size);
		struct elf_limits l = timg_limits();
		l.allow_wx = test_rand_below(2);
		struct elf_info in;
		if (elf_check(buf, size, &l, &in, &why) == 0) {
			accepted++;
			if (!EXPECT(oracle_accepts(buf, size, &l, &in))) {
				free(buf);
				return;
			}
		}
		random_symbol_lookups(buf, size);
		free(buf);
	}
	/* The mutations must leave enough images valid that acceptance is tested too. */
	CHECK(accepted > MUTATION_ROUNDS / 20);
}

/* Reads a whole file into an 8-byte-aligned heap buffer; NULL if it cannot be read. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			uint8_t *bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	fclose(f);
	*size = len;
	return buf;
}

/* Debian's static busybox is exactly what exec will load; skipped if it is not installed. */
static void busybox_static_passes(void)
{
	size_t size;
	uint8_t *file = read_file("/bin/busybox", &size);
	if (!file)
		return;
	struct elf_limits l = { .vaddr_min = 0x10000, .vaddr_max = USER_LIMIT, .type = ET_EXEC,
				.max_phnum = 64, .allow_wx = false };
	int rc = elf_check(file, size, &l, &info, &why);
	bool sound = rc == 0 && oracle_accepts(file, size, &l, &info);
	free(file);
	if (rc)
		test_fail(__FILE__, __LINE__, "busybox rejected: %s", why);
	CHECK(sound);
	CHECK(info.phdr_vaddr != 0);
}

/* This test program, as the kernel will see its own image: the loaded program headers must be
 * where elf_check says (AT_PHDR), and its symbol table must name its functions. */
__attribute__((noinline)) static int known_function(int x)
{
	return x * 3 + 1;
}

static void symbolizes_own_binary(void)
{
	size_t size;
	struct elf_symtab st;
	uint64_t off = 0;
	uint8_t *file = read_file("/proc/self/exe", &size);

	CHECK(file);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	struct elf_limits l = { .vaddr_min = 0, .vaddr_max = USER_LIMIT, .type = eh->e_type,
				.max_phnum = 64, .allow_wx = false };
	int rc = elf_check(file, size, &l, &info, &why);
	int st_rc = elf_find_symtab(file, size, &st);
	/* Load bias: where the program headers are now, minus where the file says they go. */
	uint64_t bias = getauxval(AT_PHDR) - info.phdr_vaddr;
	const char *main_name = elf_symbolize(&st, (uint64_t)(uintptr_t)main - bias + 4, &off);
	uint64_t main_off = off;
	const char *known = elf_symbolize(&st, (uint64_t)(uintptr_t)known_function - bias, &off);
	const char *nowhere = elf_symbolize(&st, 0, &off);
	bool main_ok = test_str_equal(main_name, "main"), known_ok = test_str_equal(known, "known_function");
	free(file); /* the names pointed into it */

	CHECK_EQ(rc, 0);
	CHECK_EQ(st_rc, 0);
	CHECK(main_ok);
	CHECK_EQ(main_off, 4);
	CHECK(known_ok);
	CHECK_EQ(off, 0);
	CHECK(nowhere == NULL);
	CHECK_EQ(known_function(1), 4);
}

static void symbolizes_synthetic_table(void)
{
	struct elf_symtab st;
	uint64_t off = 99;

	fresh();
	CHECK_EQ(elf_find_symtab(img, TIMG_SIZE, &st), 0);
	CHECK_EQ(st.count, TIMG_NSYMS);
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x110, &off), "func_a");
	CHECK_EQ(off, 0x10);
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x100, &off), "func_a");
	CHECK_EQ(off, 0);
	/* Just past a sized function, with nothing else there: not blamed on anything. */
	CHECK(elf_symbolize(&st, TIMG_BASE + 0x140, &off) == NULL);
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x250, &off), "label_b");
	CHECK_EQ(off, 0x50);
	/* Undefined, absolute and section symbols never name an address: still label_b. */
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x300, &off), "label_b");
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x400, &off), "label_b");
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x500, &off), "label_b");
	/* A name that runs off the table, or starts past it, is never returned. */
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x610, &off), "label_b");
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x708, &off), "label_b");
	/* Of two labels at one address, the one with fewer leading underscores names it. */
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x810, &off), "_entry");
	CHECK_EQ(off, 0x10);
	/* Function beats object where both contain the address. */
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x1004, &off), "func_overlap");
	CHECK_STREQ(elf_symbolize(&st, TIMG_BASE + 0x100c, &off), "obj_c");
	CHECK_EQ(off, 0xc);
	CHECK(elf_symbolize(&st, TIMG_BASE + 0x10, &off) == NULL); /* below every symbol */
	CHECK(elf_symbolize(&st, TIMG_BASE + 0x1010, NULL) == NULL);
	CHECK(elf_symbolize(NULL, TIMG_BASE + 0x110, &off) == NULL);
	/* An empty name (st_name at a NUL) does not count as a name: nothing left for 0x250. */
	timg_sym(img, TSYM_LABEL_B)->st_name = timg_sym(img, TSYM_FUNC_A)->st_name + 6;
	CHECK(elf_symbolize(&st, TIMG_BASE + 0x250, &off) == NULL);
}

static int symtab_rc(void)
{
	struct elf_symtab st;
	return elf_find_symtab(img, TIMG_SIZE, &st);
}

static void symtab_headers_checked(void)
{
	fresh();
	timg_ehdr(img)->e_shnum = 0;
	CHECK_EQ(symtab_rc(), -ENOENT);
	fresh();
	timg_shdr(img, 1)->sh_type = SHT_PROGBITS;
	CHECK_EQ(symtab_rc(), -ENOENT);
	fresh();
	timg_shdr(img, 1)->sh_type = SHT_DYNSYM; /* the fallback table */
	CHECK_EQ(symtab_rc(), 0);
	fresh();
	timg_ehdr(img)->e_shentsize = 40;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_ehdr(img)->e_shoff = UINT64_MAX - 7;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_ehdr(img)->e_shoff = TIMG_SHOFF + 4;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_ehdr(img)->e_shnum = 4; /* one more header than the file holds */
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 1)->sh_link = 3;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 1)->sh_link = 0; /* the null section is not a string table */
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 1)->sh_entsize = 16;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 1)->sh_offset = TIMG_SYMTAB_OFF + 4;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 1)->sh_size = UINT64_MAX;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 2)->sh_offset = UINT64_MAX - 3;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 2)->sh_size = TIMG_SIZE;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	timg_shdr(img, 2)->sh_size = 0;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	img[EI_CLASS] = 1;
	CHECK_EQ(symtab_rc(), -ENOEXEC);
	fresh();
	struct elf_symtab st;
	CHECK_EQ(elf_find_symtab(img + 4, TIMG_SIZE - 4, &st), -EINVAL);
}

TEST_MAIN(TEST(valid_image_passes), TEST(truncated_at_every_length), TEST(bad_identity_rejected),
	  TEST(program_header_table_checked), TEST(segment_file_range_checked),
	  TEST(segment_addresses_checked), TEST(segment_order_checked),
	  TEST(write_execute_and_entry_checked), TEST(phdr_vaddr_only_when_mapped),
	  TEST(invalid_arguments), TEST(head_only_check),
	  TEST(random_mutations_never_crash), TEST(busybox_static_passes),
	  TEST(symbolizes_own_binary), TEST(symbolizes_synthetic_table),
	  TEST(symtab_headers_checked))
