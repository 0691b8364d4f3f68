/* Shared by test_elf.c and the ELF fuzzer: builds a small valid x86-64 executable image in memory
 * (two PT_LOADs, a PT_GNU_STACK, a symbol table), and checks, independently of kernel/lib/elf.c
 * and in 128-bit arithmetic, that an image elf_check accepted really has every promised property. */
#ifndef TESTS_HOST_ELF_IMAGE_H
#define TESTS_HOST_ELF_IMAGE_H

#include <lib/elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Layout of the image. */
#define TIMG_BASE 0x400000ULL
#define TIMG_ENTRY (TIMG_BASE + 0x100)
#define TIMG_PHOFF 64
#define TIMG_PHNUM 3
#define TIMG_TEXT 0 /* PT_LOAD R+X: file [0, 0x1000) at TIMG_BASE, maps the headers too */
#define TIMG_DATA 1 /* PT_LOAD R+W: file [0x1000, 0x1100) at TIMG_BASE + 0x1000, 0x2000 in memory */
#define TIMG_STACK 2 /* PT_GNU_STACK */
#define TIMG_DATA_OFF 0x1000
#define TIMG_DATA_FILESZ 0x100
#define TIMG_SEGMENTS_END (TIMG_DATA_OFF + TIMG_DATA_FILESZ)
#define TIMG_SYMTAB_OFF TIMG_SEGMENTS_END
#define TIMG_NSYMS 12
#define TIMG_STRTAB_OFF (TIMG_SYMTAB_OFF + TIMG_NSYMS * sizeof(Elf64_Sym))
#define TIMG_STRTAB_MAX 128
#define TIMG_SHOFF (TIMG_STRTAB_OFF + TIMG_STRTAB_MAX)
#define TIMG_SHNUM 3 /* null, .symtab, .strtab */
#define TIMG_SIZE (TIMG_SHOFF + TIMG_SHNUM * sizeof(Elf64_Shdr))
#define TIMG_STORAGE_WORDS ((TIMG_SIZE + 7) / 8)

/* Symbols, by index (0 is the null symbol). */
#define TSYM_FUNC_A 1 /* FUNC [BASE+0x100, +0x40) */
#define TSYM_LABEL_B 2 /* NOTYPE at BASE+0x200, no size */
#define TSYM_OBJ_C 3 /* OBJECT [BASE+0x1000, +0x10) */
#define TSYM_FUNC_OVERLAP 4 /* FUNC [BASE+0x1000, +0x8): beats OBJ_C where both contain */
#define TSYM_UNDEF 5 /* undefined, value BASE+0x300 */
#define TSYM_ABS 6 /* SHN_ABS, value BASE+0x400 */
#define TSYM_SECTION 7 /* STT_SECTION at BASE+0x500 */
#define TSYM_BAD_NAME 8 /* FUNC [BASE+0x600, +0x100) whose name runs off the string table */
#define TSYM_NAME_OOB 9 /* FUNC [BASE+0x700, +0x10) whose st_name is past the string table */
#define TSYM_MARKER 10 /* NOTYPE "__seg_marker" at BASE+0x800, before the label it aliases */
#define TSYM_ENTRY_LABEL 11 /* NOTYPE "_entry" at BASE+0x800 */

static inline Elf64_Ehdr *timg_ehdr(uint8_t *img)
{
	return (Elf64_Ehdr *)img;
}

static inline Elf64_Phdr *timg_phdr(uint8_t *img, unsigned i)
{
	return (Elf64_Phdr *)(img + TIMG_PHOFF) + i;
}

static inline Elf64_Shdr *timg_shdr(uint8_t *img, unsigned i)
{
	return (Elf64_Shdr *)(img + TIMG_SHOFF) + i;
}

static inline Elf64_Sym *timg_sym(uint8_t *img, unsigned i)
{
	return (Elf64_Sym *)(img + TIMG_SYMTAB_OFF) + i;
}

static inline void timg_phdr_set(Elf64_Phdr *ph, uint32_t type, uint32_t flags, uint64_t off,
				 uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	ph->p_type = type;
	ph->p_flags = flags;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = vaddr;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = type == PT_LOAD ? 0x1000 : 0x10;
}

static inline void timg_sym_set(uint8_t *img, unsigned i, uint32_t name, unsigned type,
				uint16_t shndx, uint64_t value, uint64_t size)
{
	Elf64_Sym *s = timg_sym(img, i);
	s->st_name = name;
	s->st_info = (unsigned char)ELF64_ST_INFO(STB_GLOBAL, type);
	s->st_other = 0;
	s->st_shndx = shndx;
	s->st_value = value;
	s->st_size = size;
}

/* Appends name (with its NUL unless `terminate` is false) to the string table. */
static inline uint32_t timg_str(uint8_t *img, size_t *len, const char *name, bool terminate)
{
	uint32_t off = (uint32_t)*len;
	size_t n = strlen(name) + (terminate ? 1 : 0);
	memcpy(img + TIMG_STRTAB_OFF + *len, name, n);
	*len += n;
	return off;
}

static inline void timg_symbols(uint8_t *img)
{
	size_t len = 1; /* offset 0 is the empty name */
	uint32_t a = timg_str(img, &len, "func_a", true);
	uint32_t b = timg_str(img, &len, "label_b", true);
	uint32_t c = timg_str(img, &len, "obj_c", true);
	uint32_t o = timg_str(img, &len, "func_overlap", true);
	uint32_t u = timg_str(img, &len, "undef_d", true);
	uint32_t e = timg_str(img, &len, "abs_e", true);
	uint32_t mk = timg_str(img, &len, "__seg_marker", true);
	uint32_t en = timg_str(img, &len, "_entry", true);
	uint32_t bad = timg_str(img, &len, "unterminated", false); /* must stay last */

	timg_sym_set(img, TSYM_FUNC_A, a, STT_FUNC, 1, TIMG_BASE + 0x100, 0x40);
	timg_sym_set(img, TSYM_LABEL_B, b, STT_NOTYPE, 1, TIMG_BASE + 0x200, 0);
	timg_sym_set(img, TSYM_OBJ_C, c, STT_OBJECT, 2, TIMG_BASE + 0x1000, 0x10);
	timg_sym_set(img, TSYM_FUNC_OVERLAP, o, STT_FUNC, 2, TIMG_BASE + 0x1000, 0x8);
	timg_sym_set(img, TSYM_UNDEF, u, STT_NOTYPE, SHN_UNDEF, TIMG_BASE + 0x300, 0);
	timg_sym_set(img, TSYM_ABS, e, STT_NOTYPE, SHN_ABS, TIMG_BASE + 0x400, 0);
	timg_sym_set(img, TSYM_SECTION, 0, STT_SECTION, 1, TIMG_BASE + 0x500, 0);
	timg_sym_set(img, TSYM_BAD_NAME, bad, STT_FUNC, 1, TIMG_BASE + 0x600, 0x100);
	timg_sym_set(img, TSYM_NAME_OOB, (uint32_t)len + 5, STT_FUNC, 1, TIMG_BASE + 0x700, 0x10);
	timg_sym_set(img, TSYM_MARKER, mk, STT_NOTYPE, 1, TIMG_BASE + 0x800, 0);
	timg_sym_set(img, TSYM_ENTRY_LABEL, en, STT_NOTYPE, 1, TIMG_BASE + 0x800, 0);

	Elf64_Shdr *sym = timg_shdr(img, 1), *str = timg_shdr(img, 2);
	sym->sh_type = SHT_SYMTAB;
	sym->sh_offset = TIMG_SYMTAB_OFF;
	sym->sh_size = TIMG_NSYMS * sizeof(Elf64_Sym);
	sym->sh_link = 2;
	sym->sh_entsize = sizeof(Elf64_Sym);
	sym->sh_addralign = 8;
	str->sh_type = SHT_STRTAB;
	str->sh_offset = TIMG_STRTAB_OFF;
	str->sh_size = len; /* ends right after "unterminated", without its NUL */
	str->sh_addralign = 1;
}

/* Builds the image into img (TIMG_SIZE bytes, 8-byte aligned); returns its size. */
static inline size_t timg_build(uint8_t *img)
{
	Elf64_Ehdr *eh = timg_ehdr(img);

	memset(img, 0, TIMG_SIZE);
	memcpy(eh->e_ident, "\x7f" "ELF", 4);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TIMG_ENTRY;
	eh->e_phoff = TIMG_PHOFF;
	eh->e_shoff = TIMG_SHOFF;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = TIMG_PHNUM;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = TIMG_SHNUM;
	timg_phdr_set(timg_phdr(img, TIMG_TEXT), PT_LOAD, PF_R | PF_X, 0, TIMG_BASE, 0x1000, 0x1000);
	timg_phdr_set(timg_phdr(img, TIMG_DATA), PT_LOAD, PF_R | PF_W, TIMG_DATA_OFF,
		      TIMG_BASE + TIMG_DATA_OFF, TIMG_DATA_FILESZ, 0x2000);
	timg_phdr_set(timg_phdr(img, TIMG_STACK), PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	timg_symbols(img);
	return TIMG_SIZE;
}

/* Limits that the built image satisfies with room to spare. */
static inline struct elf_limits timg_limits(void)
{
	struct elf_limits lim = {
		.vaddr_min = 0x10000,
		.vaddr_max = 0x800000000000ULL,
		.type = ET_EXEC,
		.max_phnum = 16,
		.allow_wx = false,
	};
	return lim;
}

/* ---- the oracle: what acceptance promises, recomputed in 128-bit arithmetic ---------------- */

typedef unsigned __int128 u128;

#define ORACLE_PAGE ((u128)ELF_PAGE_SIZE)

static inline u128 oracle_page_down(u128 v)
{
	return v / ORACLE_PAGE * ORACLE_PAGE;
}

static inline u128 oracle_page_up(u128 v)
{
	return (v + ORACLE_PAGE - 1) / ORACLE_PAGE * ORACLE_PAGE;
}

/* One PT_LOAD; *prev_end is the previous one's page-rounded end (0 for the first). */
static inline bool oracle_load_ok(const Elf64_Phdr *ph, const struct elf_limits *lim,
				  u128 *prev_end, bool first)
{
	u128 start = oracle_page_down(ph->p_vaddr);
	u128 end = oracle_page_up((u128)ph->p_vaddr + ph->p_memsz);

	if (ph->p_memsz == 0 || ph->p_filesz > ph->p_memsz || end > ((u128)1 << 64))
		return false;
	if (start < lim->vaddr_min || end > lim->vaddr_max)
		return false;
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
		return false;
	if ((ph->p_vaddr - ph->p_offset) % ELF_PAGE_SIZE)
		return false;
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X) && !lim->allow_wx)
		return false;
	if (!first && start < *prev_end)
		return false;
	*prev_end = end;
	return true;
}

/* A nonzero phdr_vaddr must be where some PT_LOAD maps the whole program header table. */
static inline bool oracle_phdr_vaddr_ok(const uint8_t *img, const struct elf_info *info)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	u128 table = (u128)eh->e_phnum * sizeof(Elf64_Phdr);

	if (!info->phdr_vaddr)
		return true;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;
		if (ph->p_type == PT_LOAD && ph->p_offset <= eh->e_phoff &&
		    (u128)eh->e_phoff + table <= (u128)ph->p_offset + ph->p_filesz)
			return info->phdr_vaddr == (u128)ph->p_vaddr + (eh->e_phoff - ph->p_offset);
	}
	return false;
}

/* True if everything elf_check promises about an accepted image holds, including *info. */
static inline bool oracle_accepts(const uint8_t *img, size_t size, const struct elf_limits *lim,
				  const struct elf_info *info)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	u128 prev_end = 0, lo = 0, table = (u128)eh->e_phnum * sizeof(Elf64_Phdr);
	bool first = true, entry_ok = false;

	if (size < sizeof(*eh) || eh->e_type != lim->type || eh->e_machine != EM_X86_64 ||
	    eh->e_phnum == 0 || eh->e_phnum > lim->max_phnum || (u128)eh->e_phoff + table > size)
		return false;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;
		if ((u128)ph->p_offset + ph->p_filesz > size)
			return false;
		if (ph->p_type != PT_LOAD)
			continue;
		if (!oracle_load_ok(ph, lim, &prev_end, first))
			return false;
		if (first)
			lo = oracle_page_down(ph->p_vaddr);
		first = false;
		if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
		    (u128)eh->e_entry < (u128)ph->p_vaddr + ph->p_memsz)
			entry_ok = true;
	}
	return !first && entry_ok && info->entry == eh->e_entry && info->vaddr_lo == lo &&
	       info->vaddr_hi == prev_end && info->phnum == eh->e_phnum &&
	       info->phoff == eh->e_phoff && oracle_phdr_vaddr_ok(img, info);
}

#endif
