/* ELF64 file structures (System V gABI, x86-64 psABI) and their validation: elf_check vets an
 * executable image against hostile input before the loader or exec trusts any of it, and the
 * symtab helpers name code addresses for backtraces. Pure code, shared with the UEFI loader. */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t Elf64_Addr;
typedef uint64_t Elf64_Off;
typedef uint16_t Elf64_Half;
typedef uint32_t Elf64_Word;
typedef int32_t Elf64_Sword;
typedef uint64_t Elf64_Xword;
typedef int64_t Elf64_Sxword;

/* e_ident */
#define EI_NIDENT 16
#define EI_MAG0 0
#define EI_MAG1 1
#define EI_MAG2 2
#define EI_MAG3 3
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define ELFMAG0 0x7f
#define ELFMAG1 'E'
#define ELFMAG2 'L'
#define ELFMAG3 'F'
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

/* e_type, e_machine */
#define ET_NONE 0
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define ET_CORE 4
#define EM_X86_64 62

/* Program header types and flags */
#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_SHLIB 5
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK 0x6474e551
#define PT_GNU_RELRO 0x6474e552
#define PT_GNU_PROPERTY 0x6474e553
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4
#define PN_XNUM 0xffff /* e_phnum escape for more headers; not supported */

/* Section header types and special section indices */
#define SHT_NULL 0
#define SHT_PROGBITS 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_RELA 4
#define SHT_HASH 5
#define SHT_DYNAMIC 6
#define SHT_NOTE 7
#define SHT_NOBITS 8
#define SHT_REL 9
#define SHT_DYNSYM 11
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00
#define SHN_ABS 0xfff1
#define SHN_COMMON 0xfff2
#define SHN_XINDEX 0xffff

/* Symbol binding and type */
#define STB_LOCAL 0
#define STB_GLOBAL 1
#define STB_WEAK 2
#define STT_NOTYPE 0
#define STT_OBJECT 1
#define STT_FUNC 2
#define STT_SECTION 3
#define STT_FILE 4
#define STT_COMMON 5
#define STT_TLS 6
#define ELF64_ST_BIND(info) ((info) >> 4)
#define ELF64_ST_TYPE(info) ((info)&0xf)
#define ELF64_ST_INFO(bind, type) (((bind) << 4) + ((type)&0xf))

/* The page size PT_LOAD segments are checked against (x86-64 base pages). */
#define ELF_PAGE_SIZE 4096ULL

typedef struct {
	unsigned char e_ident[EI_NIDENT];
	Elf64_Half e_type;
	Elf64_Half e_machine;
	Elf64_Word e_version;
	Elf64_Addr e_entry;
	Elf64_Off e_phoff;
	Elf64_Off e_shoff;
	Elf64_Word e_flags;
	Elf64_Half e_ehsize;
	Elf64_Half e_phentsize;
	Elf64_Half e_phnum;
	Elf64_Half e_shentsize;
	Elf64_Half e_shnum;
	Elf64_Half e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	Elf64_Word p_type;
	Elf64_Word p_flags;
	Elf64_Off p_offset;
	Elf64_Addr p_vaddr;
	Elf64_Addr p_paddr;
	Elf64_Xword p_filesz;
	Elf64_Xword p_memsz;
	Elf64_Xword p_align;
} Elf64_Phdr;

typedef struct {
	Elf64_Word sh_name;
	Elf64_Word sh_type;
	Elf64_Xword sh_flags;
	Elf64_Addr sh_addr;
	Elf64_Off sh_offset;
	Elf64_Xword sh_size;
	Elf64_Word sh_link;
	Elf64_Word sh_info;
	Elf64_Xword sh_addralign;
	Elf64_Xword sh_entsize;
} Elf64_Shdr;

typedef struct {
	Elf64_Word st_name;
	unsigned char st_info;
	unsigned char st_other;
	Elf64_Half st_shndx;
	Elf64_Addr st_value;
	Elf64_Xword st_size;
} Elf64_Sym;

_Static_assert(sizeof(Elf64_Ehdr) == 64, "Elf64_Ehdr layout");
_Static_assert(offsetof(Elf64_Ehdr, e_entry) == 24, "Elf64_Ehdr layout");
_Static_assert(offsetof(Elf64_Ehdr, e_phnum) == 56, "Elf64_Ehdr layout");
_Static_assert(sizeof(Elf64_Phdr) == 56, "Elf64_Phdr layout");
_Static_assert(offsetof(Elf64_Phdr, p_vaddr) == 16, "Elf64_Phdr layout");
_Static_assert(sizeof(Elf64_Shdr) == 64, "Elf64_Shdr layout");
_Static_assert(offsetof(Elf64_Shdr, sh_link) == 40, "Elf64_Shdr layout");
_Static_assert(sizeof(Elf64_Sym) == 24, "Elf64_Sym layout");
_Static_assert(offsetof(Elf64_Sym, st_value) == 8, "Elf64_Sym layout");

/* What the caller accepts. For ET_DYN the addresses are the file's own (before the caller adds
 * a load bias); the caller must check its biased span separately. */
struct elf_limits {
	uint64_t vaddr_min, vaddr_max; /* every PT_LOAD's pages must lie in [min, max) */
	uint16_t type; /* required e_type: ET_EXEC or ET_DYN */
	uint16_t max_phnum; /* at most this many program headers */
	bool allow_wx; /* accept segments that are both writable and executable */
};

/* What elf_check found. */
struct elf_info {
	uint64_t entry;
	uint64_t vaddr_lo, vaddr_hi; /* page-rounded span of the PT_LOAD segments */
	uint16_t phnum;
	uint64_t phoff;
	uint64_t phdr_vaddr; /* where a PT_LOAD maps the program headers (AT_PHDR), else 0 */
};

/*
 * Validates an ELF executable image of `size` bytes at `file` (8-byte aligned). Returns 0 and
 * fills *out, or -ENOEXEC with *why (if why is not NULL) pointing at a short static English
 * reason; -EINVAL for a NULL/misaligned buffer or impossible limits. Every count, offset and
 * address is checked without overflow. After 0:
 *  - the ELF header and all program headers lie inside the file (elf_phdr may be used);
 *  - every program header's [p_offset, p_offset + p_filesz) lies inside the file;
 *  - each PT_LOAD is non-empty, has p_filesz <= p_memsz, p_vaddr + p_memsz neither wraps nor
 *    rounds up past 2^64, lies (page-rounded) within the limits, has p_align 0 or a power of
 *    two, p_vaddr == p_offset modulo ELF_PAGE_SIZE, and is not writable+executable unless allowed;
 *  - the PT_LOADs are in ascending address order and share no page;
 *  - the entry point lies inside an executable PT_LOAD.
 * Other segment types are only bounds-checked; whoever interprets them checks the rest.
 */
int elf_check(const void *file, size_t size, const struct elf_limits *lim, struct elf_info *out,
	      const char **why);

/* The same checks when only the first head_len bytes of a `size`-byte file are at `head`
 * (head_len <= size, else -EINVAL): the ELF header and every program header must lie within
 * them ("program headers outside file" otherwise); segments are checked against size. The
 * caller reads the segments' bytes from the file itself. */
int elf_check_head(const void *head, size_t head_len, size_t size,
		   const struct elf_limits *lim, struct elf_info *out, const char **why);

/* Program header i of an image that passed elf_check (or of the head elf_check_head passed), or NULL if i >= e_phnum. */
const Elf64_Phdr *elf_phdr(const void *file, unsigned i);

/* A symbol table and its string table, both inside a file image. */
struct elf_symtab {
	const Elf64_Sym *syms;
	size_t count;
	const char *strtab;
	size_t strsize;
};

/* Finds .symtab (or, failing that, .dynsym) and its linked string table, checking the section
 * headers and both tables against the file size. 0, -ENOENT if the file has no symbol table,
 * -ENOEXEC if the headers are malformed, -EINVAL for a NULL/misaligned buffer. */
int elf_find_symtab(const void *file, size_t size, struct elf_symtab *out);

/* Name of the symbol containing addr: a sized symbol whose [st_value, st_value + st_size) holds
 * it, else the nearest symbol below addr if that symbol has no size (assembly labels). Among
 * aliases a function is preferred, then the name with the fewest leading underscores. NULL if
 * none; *offset (if not NULL) gets addr - st_value. Only FUNC, OBJECT and NOTYPE symbols defined
 * in a section count, and only with a non-empty name NUL-terminated inside the string table. */
const char *elf_symbolize(const struct elf_symtab *t, uint64_t addr, uint64_t *offset);

#endif
