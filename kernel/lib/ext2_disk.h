/* The ext2 on-disk format (revisions 0 and 1) and its validation: the superblock, group
 * descriptors, inodes, the i_block map and directory records are decoded here and every number
 * an image supplies is checked before the file system driver uses it. Pure code (no kernel
 * globals), built and fuzzed on the host. All fields are little-endian, as is x86-64. */
#ifndef LIB_EXT2_DISK_H
#define LIB_EXT2_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXT2_SUPER_OFFSET 1024 /* byte offset of the superblock on the device */
#define EXT2_SUPER_SIZE 1024
#define EXT2_MAGIC 0xEF53
#define EXT2_MIN_BLOCK_LOG 10 /* 1 KiB */
#define EXT2_MAX_BLOCK_LOG 12 /* 4 KiB: the page size, the largest this driver handles */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_ROOT_INO 2
#define EXT2_NAME_LEN 255
#define EXT2_N_BLOCKS 15 /* i_block[]: 12 direct, single, double, triple indirect */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * 4) /* 60 bytes stored in i_block itself */
#define EXT2_DIRENT_HEADER 8

/* s_state */
#define EXT2_VALID_FS 0x0001 /* cleanly unmounted */
#define EXT2_ERROR_FS 0x0002
/* s_errors: what to do on an error */
#define EXT2_ERRORS_CONTINUE 1
#define EXT2_ERRORS_RO 2
#define EXT2_ERRORS_PANIC 3 /* this driver makes the mount read-only instead */

/* Feature sets. Only those this driver implements are "supported"; see ext2_parse_super. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_RO_COMPAT_SUPP \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)
#define EXT2_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE

/* i_flags */
#define EXT2_INDEX_FL 0x00001000 /* hashed directory: ext2 ignores and clears it on change */

/* Directory entry file_type (with the filetype feature). */
enum ext2_ftype {
	EXT2_FT_UNKNOWN = 0,
	EXT2_FT_REG_FILE = 1,
	EXT2_FT_DIR = 2,
	EXT2_FT_CHRDEV = 3,
	EXT2_FT_BLKDEV = 4,
	EXT2_FT_FIFO = 5,
	EXT2_FT_SOCK = 6,
	EXT2_FT_SYMLINK = 7,
	EXT2_FT_MAX = 8,
};

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan; /* head of the list of unlinked-but-open inodes */
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_reserved_char_pad;
	uint16_t s_reserved_word_pad;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_reserved[190];
} __attribute__((packed));
_Static_assert(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "ext2 superblock is 1024 bytes");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint32_t bg_reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");

struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size; /* low 32 bits */
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime; /* deletion time; in an orphan, the next orphan's number */
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; /* i_dir_acl in revision 0 */
	uint32_t i_faddr;
	uint8_t i_frag;
	uint8_t i_fsize;
	uint16_t i_pad1;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved2;
} __attribute__((packed));
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode is 128 bytes");

/* The start of a large (> 128 byte) inode's extra space, as mke2fs and Linux's ext4 write it:
 * the nanoseconds of the times (extra >> 2) and two more bits of seconds (extra & 3). */
struct ext2_inode_extra {
	uint16_t i_extra_isize; /* bytes of this part in use; times need at least 16 */
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
} __attribute__((packed));
_Static_assert(sizeof(struct ext2_inode_extra) == 16, "ext2 inode extra times are 16 bytes");
#define EXT2_EXTRA_ISIZE_DEFAULT 32 /* what mke2fs gives new inodes */

/* Times with nanoseconds (seconds as signed 32 bits plus the extra epoch bits). */
static inline int64_t ext2_time_sec(uint32_t t, uint32_t extra)
{
	return (int64_t)(int32_t)t + ((int64_t)(extra & 3) << 32);
}

static inline uint32_t ext2_time_extra(int64_t sec, uint32_t nsec)
{
	return (uint32_t)(((sec - (int64_t)(int32_t)sec) >> 32) & 3) | nsec << 2;
}

struct ext2_dirent {
	uint32_t inode; /* 0: an unused record */
	uint16_t rec_len; /* to the next record; the last one reaches the block's end */
	uint8_t name_len;
	uint8_t file_type; /* with the filetype feature; else the high byte of name_len */
	char name[];
} __attribute__((packed));
_Static_assert(sizeof(struct ext2_dirent) == EXT2_DIRENT_HEADER, "ext2 dirent header is 8 bytes");

/* What a validated superblock says, in the form the driver computes with. */
struct ext2_geom {
	uint32_t block_size; /* 1024, 2048 or 4096 */
	uint32_t block_log; /* log2(block_size) */
	uint32_t blocks_count;
	uint32_t inodes_count;
	uint32_t first_data_block; /* 1 with 1 KiB blocks, else 0 */
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t groups;
	uint32_t inode_size;
	uint32_t inodes_per_block;
	uint32_t inode_table_blocks; /* per group */
	uint32_t first_ino; /* first non-reserved inode */
	uint32_t rev;
	uint32_t addr_per_block; /* block numbers in an indirect block */
	uint32_t gdt_block; /* block holding group descriptor 0 */
	uint32_t gdt_blocks; /* blocks the descriptor table takes */
	uint32_t reserved_gdt_blocks; /* resize_inode's reserve after the table */
	uint32_t feature_compat, feature_incompat, feature_ro_compat;
	bool sparse_super;
	bool filetype; /* dirents carry file_type */
	bool large_file;
	bool force_ro; /* unknown read-only-compatible features: mount read-only only */
};

/* Validates the 1024-byte superblock against a device of dev_bytes bytes and fills *g.
 * -EUCLEAN for a corrupt or unsupported layout (*why says what), -EINVAL for unknown
 * incompatible features (the image may be fine, this driver just cannot read it). */
int ext2_parse_super(const struct ext2_super *sb, uint64_t dev_bytes, struct ext2_geom *g,
		     const char **why);

/* Whether group holds a superblock backup (and descriptor table copy): all groups without
 * sparse_super, else groups 0, 1 and powers of 3, 5 and 7. */
bool ext2_group_has_super(const struct ext2_geom *g, uint32_t group);
/* First block of a group and the number of blocks in it (the last group may be short). */
uint32_t ext2_group_first_block(const struct ext2_geom *g, uint32_t group);
uint32_t ext2_group_nblocks(const struct ext2_geom *g, uint32_t group);
/* Blocks at the group's start taken by the superblock copy, the descriptors and their reserve. */
uint32_t ext2_group_overhead(const struct ext2_geom *g, uint32_t group);

/* Checks group descriptor group: bitmaps and inode table inside the group (past its
 * superblock copy), not overlapping each other, free counts within the group. -EUCLEAN. */
int ext2_check_group_desc(const struct ext2_geom *g, uint32_t group,
			  const struct ext2_group_desc *gd, const char **why);

/* A data or indirect block number is usable: inside the file system, past the boot area. */
static inline bool ext2_block_ok(const struct ext2_geom *g, uint32_t blk)
{
	return blk >= g->first_data_block && blk < g->blocks_count && blk != 0;
}

static inline bool ext2_ino_ok(const struct ext2_geom *g, uint32_t ino)
{
	return ino >= 1 && ino <= g->inodes_count;
}

/* Where inode ino lives: its group, and the byte offset of its record inside the group's
 * inode table. -EUCLEAN for an inode number out of range. */
int ext2_inode_locate(const struct ext2_geom *g, uint32_t ino, uint32_t *group,
		      uint64_t *table_off);

/* A decoded inode. */
struct ext2_inode_info {
	uint32_t mode; /* S_IF* | permissions */
	uint32_t uid, gid;
	uint64_t size;
	uint32_t atime, ctime, mtime, dtime;
	uint32_t links;
	uint32_t blocks512; /* i_blocks */
	uint32_t flags;
	uint32_t generation;
	uint32_t file_acl;
	uint32_t block[EXT2_N_BLOCKS];
	bool fast_symlink; /* target in block[] (size < 60 bytes, no data block) */
	uint32_t rdev_major, rdev_minor; /* device nodes (i_block[0] old or [1] new form) */
};

/* Largest file size the block map can address with this block size (triple indirect). */
uint64_t ext2_max_file_size(const struct ext2_geom *g);

/* Decodes and checks an in-use inode (links_count > 0 or an orphan): a known file type, a
 * size within the block map's reach (and below 4 GiB without large_file for non-regular
 * files), a fast symlink's target inside i_block. -EUCLEAN with *why for a bad one. */
int ext2_inode_decode(const struct ext2_geom *g, const struct ext2_inode *raw,
		      struct ext2_inode_info *out, const char **why);
/* Writes the fields of info back into raw (leaving the fields this code does not model). */
void ext2_inode_encode(const struct ext2_geom *g, const struct ext2_inode_info *info,
		       struct ext2_inode *raw);

/* The path from i_block to logical block lblk: depth 1 (direct) to 4 (triple indirect), and
 * the index at each level (idx[0] into i_block). -EFBIG past the triple-indirect reach. */
int ext2_bmap_path(const struct ext2_geom *g, uint64_t lblk, uint32_t idx[4], int *depth);

/* Reads entry idx of indirect block blk; 0 or -errno. The driver supplies it. */
typedef int (*ext2_read_ind_fn)(void *ctx, uint32_t blk, uint32_t idx, uint32_t *out);
/* Maps logical block lblk of a file to a device block: *pblk 0 for a hole. Every indirect
 * block on the way is checked with ext2_block_ok (-EUCLEAN if bad). */
int ext2_bmap(const struct ext2_geom *g, const uint32_t block[EXT2_N_BLOCKS], uint64_t lblk,
	      ext2_read_ind_fn read_ind, void *ctx, uint32_t *pblk);

/* One directory record, as ext2_dir_next hands it out. */
struct ext2_dir_rec {
	uint32_t off; /* of the record in the block */
	uint32_t ino; /* 0 for an unused record */
	uint32_t rec_len;
	uint32_t name_len;
	uint8_t file_type; /* EXT2_FT_*, EXT2_FT_UNKNOWN without the filetype feature */
	const char *name; /* not NUL-terminated, inside the block */
};

/* Bytes a record with a name of name_len bytes needs: 8 + name_len, rounded up to 4. */
static inline uint32_t ext2_dir_rec_size(uint32_t name_len)
{
	return (EXT2_DIRENT_HEADER + name_len + 3) & ~3u;
}

/* Walks the records of one directory block: *off starts at 0; returns 1 with *rec (and *off
 * advanced to the next record), 0 at the block's end, -EUCLEAN with *why for a record that is
 * misaligned, shorter than its name, runs past the block or names an inode out of range. */
int ext2_dir_next(const struct ext2_geom *g, const uint8_t *block, uint32_t *off,
		  struct ext2_dir_rec *rec, const char **why);
/* Checks a whole directory block with ext2_dir_next. 0 or -EUCLEAN. */
int ext2_dir_check_block(const struct ext2_geom *g, const uint8_t *block, const char **why);
/* Writes a record at off: ino, rec_len, the name and (with filetype) its type. */
void ext2_dir_put(const struct ext2_geom *g, uint8_t *block, uint32_t off, uint32_t ino,
		  uint32_t rec_len, const char *name, uint32_t name_len, uint8_t file_type);

/* EXT2_FT_* for an st_mode's file type, and the S_IFMT bits a file_type stands for (0 when
 * unknown). */
uint8_t ext2_ftype_from_mode(uint32_t mode);
uint32_t ext2_mode_from_ftype(uint8_t ftype);

/* First clear bit at or after start in a bitmap of nbits bits, wrapping to 0; -1 if full. */
int64_t ext2_bitmap_find_zero(const uint8_t *map, uint32_t nbits, uint32_t start);

#endif
