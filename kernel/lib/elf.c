/* ELF64 image validation and symbol lookup. Everything read from the image is treated as hostile:
 * every offset/length pair is checked against the file size and every address sum against
 * wrap-around before it is used, in that order. No calls out (the UEFI loader links this too). */
#include <lib/elf.h>
#include <uapi/errno.h>

#define ELF_PAGE_MASK (ELF_PAGE_SIZE - 1)
#define ELF_STRUCT_ALIGN 8 /* alignment of the 64-bit fields in the headers and symbols */

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -ENOEXEC;
}

/* For a power of two a. */
static bool aligned(uint64_t v, uint64_t a)
{
	return (v & (a - 1)) == 0;
}

static bool is_power_of_two(uint64_t v)
{
	return v && (v & (v - 1)) == 0;
}

/* [off, off + len) lies within a file of `size` bytes; written so that nothing can overflow. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static uint64_t page_down(uint64_t v)
{
	return v & ~ELF_PAGE_MASK;
}

/* Only for v <= UINT64_MAX - ELF_PAGE_MASK, which callers check first. */
static uint64_t page_up(uint64_t v)
{
	return (v + ELF_PAGE_MASK) & ~ELF_PAGE_MASK;
}

/* Header fields that do not depend on the caller's limits: identity and encoding. */
static const char *check_ident(const Elf64_Ehdr *eh, size_t size)
{
	if (size < sizeof(Elf64_Ehdr))
		return "file too small for an ELF header";
	if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
	    eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3)
		return "bad magic";
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return "not a 64-bit ELF file";
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return "not little-endian";
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return "unsupported ELF version";
	if (eh->e_machine != EM_X86_64)
		return "not an x86-64 file";
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return "bad ELF header size";
	return NULL;
}

/* Type and program header table. */
static const char *check_header(const Elf64_Ehdr *eh, size_t size, const struct elf_limits *lim)
{
	if (eh->e_type != lim->type)
		return "wrong ELF type";
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return "bad program header entry size";
	if (eh->e_phnum == 0)
		return "no program headers";
	if (eh->e_phnum == PN_XNUM || eh->e_phnum > lim->max_phnum)
		return "too many program headers";
	if (!aligned(eh->e_phoff, ELF_STRUCT_ALIGN))
		return "misaligned program headers";
	/* e_phnum < 2^16, so the table size cannot overflow. */
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return "program headers outside file";
	return NULL;
}

/* One PT_LOAD on its own; the order between segments is checked by the caller. */
static const char *check_load(const Elf64_Phdr *ph, const struct elf_limits *lim)
{
	if (ph->p_memsz == 0)
		return "empty loadable segment";
	if (ph->p_filesz > ph->p_memsz)
		return "segment file size exceeds memory size";
	if (ph->p_vaddr > UINT64_MAX - ph->p_memsz)
		return "segment address range wraps";
	uint64_t end = ph->p_vaddr + ph->p_memsz;
	if (end > UINT64_MAX - ELF_PAGE_MASK) /* its last page would end past 2^64 */
		return "segment address range wraps";
	if (page_down(ph->p_vaddr) < lim->vaddr_min || page_up(end) > lim->vaddr_max)
		return "segment outside allowed address range";
	if (ph->p_align > 1 && !is_power_of_two(ph->p_align))
		return "segment alignment not a power of two";
	if (!aligned(ph->p_vaddr ^ ph->p_offset, ELF_PAGE_SIZE))
		return "segment address and file offset disagree modulo the page size";
	if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X) && !lim->allow_wx)
		return "writable and executable segment";
	return NULL;
}

/* Progress through the PT_LOADs, which must come in ascending order. */
struct load_walk {
	unsigned count;
	uint64_t prev_vaddr, prev_end_page; /* of the previous PT_LOAD */
	uint64_t lo, hi; /* page-rounded span so far */
	bool entry_ok;
	uint64_t phdr_vaddr;
};

/* Sets w->phdr_vaddr if this segment's file bytes contain the whole program header table. */
static void note_phdr_mapping(struct load_walk *w, const Elf64_Phdr *ph, const Elf64_Ehdr *eh)
{
	uint64_t table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);

	if (w->phdr_vaddr || eh->e_phoff < ph->p_offset)
		return;
	uint64_t rel = eh->e_phoff - ph->p_offset;
	if (rel <= ph->p_filesz && table <= ph->p_filesz - rel)
		w->phdr_vaddr = ph->p_vaddr + rel; /* <= p_vaddr + p_filesz: cannot wrap */
}

static const char *walk_load(struct load_walk *w, const Elf64_Phdr *ph, const Elf64_Ehdr *eh,
			     const struct elf_limits *lim)
{
	const char *err = check_load(ph, lim);
	if (err)
		return err;
	uint64_t start_page = page_down(ph->p_vaddr);
	uint64_t end_page = page_up(ph->p_vaddr + ph->p_memsz); /* checked by check_load */

	if (w->count) {
		if (ph->p_vaddr < w->prev_vaddr)
			return "segments not sorted by address";
		if (start_page < w->prev_end_page)
			return "segment overlaps previous";
	} else {
		w->lo = start_page;
	}
	w->count++;
	w->prev_vaddr = ph->p_vaddr;
	w->prev_end_page = end_page;
	w->hi = end_page;
	if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
	    eh->e_entry - ph->p_vaddr < ph->p_memsz)
		w->entry_ok = true;
	note_phdr_mapping(w, ph, eh);
	return NULL;
}

static const char *check_segments(const Elf64_Ehdr *eh, size_t size, const struct elf_limits *lim,
				  struct load_walk *w)
{
	const Elf64_Phdr *phdrs = (const Elf64_Phdr *)((const uint8_t *)eh + eh->e_phoff);

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];
		if (!in_file(ph->p_offset, ph->p_filesz, size))
			return "segment outside file";
		if (ph->p_type == PT_LOAD) {
			const char *err = walk_load(w, ph, eh, lim);
			if (err)
				return err;
		}
	}
	if (!w->count)
		return "no loadable segments";
	if (!w->entry_ok)
		return "entry point not in an executable segment";
	return NULL;
}

int elf_check_head(const void *head, size_t head_len, size_t size,
		   const struct elf_limits *lim, struct elf_info *out, const char **why)
{
	const Elf64_Ehdr *eh = head;
	struct load_walk w = { 0 };
	const char *err;

	if (!head || !lim || !out || !aligned((uintptr_t)head, ELF_STRUCT_ALIGN) ||
	    lim->vaddr_min > lim->vaddr_max || head_len > size) {
		if (why)
			*why = "invalid arguments";
		return -EINVAL;
	}
	err = check_ident(eh, head_len);
	if (!err) /* the program headers must be in the bytes we have */
		err = check_header(eh, head_len, lim);
	if (!err) /* the segments' bytes only in the file */
		err = check_segments(eh, size, lim, &w);
	if (err)
		return reject(why, err);

	out->entry = eh->e_entry;
	out->vaddr_lo = w.lo;
	out->vaddr_hi = w.hi;
	out->phnum = eh->e_phnum;
	out->phoff = eh->e_phoff;
	out->phdr_vaddr = w.phdr_vaddr;
	return 0;
}

int elf_check(const void *file, size_t size, const struct elf_limits *lim, struct elf_info *out,
	      const char **why)
{
	return elf_check_head(file, size, size, lim, out, why);
}

const Elf64_Phdr *elf_phdr(const void *file, unsigned i)
{
	const Elf64_Ehdr *eh = file;

	if (i >= eh->e_phnum)
		return NULL;
	return (const Elf64_Phdr *)((const uint8_t *)file + eh->e_phoff) + i;
}

/* The section header table, checked to lie inside the file; NULL with *err set otherwise. */
static const Elf64_Shdr *section_table(const Elf64_Ehdr *eh, size_t size, int *err)
{
	if (check_ident(eh, size)) {
		*err = -ENOEXEC;
		return NULL;
	}
	/* e_shnum == 0 also covers the SHN_UNDEF escape for huge tables, which we do not read. */
	if (eh->e_shnum == 0 || eh->e_shoff == 0) {
		*err = -ENOENT;
		return NULL;
	}
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || !aligned(eh->e_shoff, ELF_STRUCT_ALIGN) ||
	    !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), size)) {
		*err = -ENOEXEC;
		return NULL;
	}
	return (const Elf64_Shdr *)((const uint8_t *)eh + eh->e_shoff);
}

/* Index of the first section of the given type, or -1. */
static int find_section(const Elf64_Shdr *sh, unsigned shnum, uint32_t type)
{
	for (unsigned i = 0; i < shnum; i++)
		if (sh[i].sh_type == type)
			return (int)i;
	return -1;
}

int elf_find_symtab(const void *file, size_t size, struct elf_symtab *out)
{
	const Elf64_Ehdr *eh = file;
	int err = 0;

	if (!file || !out || !aligned((uintptr_t)file, ELF_STRUCT_ALIGN))
		return -EINVAL;
	const Elf64_Shdr *sh = section_table(eh, size, &err);
	if (!sh)
		return err;
	int idx = find_section(sh, eh->e_shnum, SHT_SYMTAB);
	if (idx < 0)
		idx = find_section(sh, eh->e_shnum, SHT_DYNSYM);
	if (idx < 0)
		return -ENOENT;

	const Elf64_Shdr *sym = &sh[idx];
	if (sym->sh_entsize != sizeof(Elf64_Sym) || !aligned(sym->sh_offset, ELF_STRUCT_ALIGN) ||
	    !in_file(sym->sh_offset, sym->sh_size, size) || sym->sh_link >= eh->e_shnum)
		return -ENOEXEC;
	const Elf64_Shdr *str = &sh[sym->sh_link];
	if (str->sh_type != SHT_STRTAB || str->sh_size == 0 ||
	    !in_file(str->sh_offset, str->sh_size, size))
		return -ENOEXEC;

	out->syms = (const Elf64_Sym *)((const uint8_t *)file + sym->sh_offset);
	out->count = sym->sh_size / sizeof(Elf64_Sym);
	out->strtab = (const char *)file + str->sh_offset;
	out->strsize = str->sh_size;
	return 0;
}

/* The symbol's name if it is non-empty and NUL-terminated inside the string table, else NULL. */
static const char *symbol_name(const struct elf_symtab *t, const Elf64_Sym *s)
{
	if (s->st_name == 0 || s->st_name >= t->strsize)
		return NULL;
	for (size_t i = s->st_name; i < t->strsize; i++)
		if (t->strtab[i] == '\0')
			return i > s->st_name ? t->strtab + s->st_name : NULL;
	return NULL;
}

/* Symbols that stand for an address in a section: code, data or untyped labels. */
static bool is_address_symbol(const Elf64_Sym *s)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);

	if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS || s->st_shndx == SHN_COMMON)
		return false;
	return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

static unsigned leading_underscores(const char *name)
{
	unsigned n = 0;

	while (name[n] == '_')
		n++;
	return n;
}

/* Between two equally good symbols: a function beats an object or label, then the name with
 * fewer leading underscores (linker-script markers such as __text_start sit at the same address
 * as the code label or function that starts there). Both names are valid here. */
static bool better_alias(const struct elf_symtab *t, const Elf64_Sym *s, const Elf64_Sym *cur)
{
	bool s_func = ELF64_ST_TYPE(s->st_info) == STT_FUNC;
	bool cur_func = ELF64_ST_TYPE(cur->st_info) == STT_FUNC;
	const char *sn = symbol_name(t, s), *cn = symbol_name(t, cur);

	if (s_func != cur_func)
		return s_func;
	return sn && cn && leading_underscores(sn) < leading_underscores(cn);
}

/* Among the sized symbols containing addr. */
static bool better_container(const struct elf_symtab *t, const Elf64_Sym *s, const Elf64_Sym *best)
{
	return !best || better_alias(t, s, best);
}

/* The highest symbol at or below addr; at equal addresses a sized one wins, so that an address
 * past the end of a sized symbol is not blamed on a label at the same place. */
static bool better_nearest(const struct elf_symtab *t, const Elf64_Sym *s, const Elf64_Sym *near)
{
	if (!near || s->st_value > near->st_value)
		return true;
	if (s->st_value < near->st_value)
		return false;
	if (!s->st_size != !near->st_size)
		return s->st_size != 0;
	return better_alias(t, s, near);
}

const char *elf_symbolize(const struct elf_symtab *t, uint64_t addr, uint64_t *offset)
{
	const Elf64_Sym *container = NULL, *near = NULL;

	if (!t || !t->syms || !t->strtab)
		return NULL;
	for (size_t i = 0; i < t->count; i++) {
		const Elf64_Sym *s = &t->syms[i];
		if (!is_address_symbol(s) || s->st_value > addr)
			continue;
		bool contains = s->st_size && addr - s->st_value < s->st_size &&
				better_container(t, s, container);
		bool nearer = better_nearest(t, s, near);
		/* The name is only checked for a symbol that would win: it costs a string scan. */
		if ((contains || nearer) && symbol_name(t, s)) {
			if (contains)
				container = s;
			if (nearer)
				near = s;
		}
	}
	const Elf64_Sym *found = container ? container : (near && !near->st_size) ? near : NULL;
	if (!found)
		return NULL;
	if (offset)
		*offset = addr - found->st_value;
	return symbol_name(t, found);
}
