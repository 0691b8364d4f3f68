/* devpts (see devpts.h): /dev/pts lists "ptmx" (5,2, mode ptmxmode=) and one node per live
 * pty slave, answered from the pty table (drivers/pty.h) rather than cached, like procfs: a
 * slave appears when its master is opened and goes when the master closes. chmod and chown
 * of a slave's node (grantpt) are kept with the pair. Options: mode= (new slaves' mode),
 * ptmxmode=, uid= and gid= (new slaves' owner and group instead of the opener's). */
#include <fs/devpts.h>
#include <fs/namei.h>
#include <fs/vfs_ops.h>
#include <drivers/pty.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

#define DEVPTS_ROOT_INO 1
#define DEVPTS_PTMX_INO 2
#define DEVPTS_SLAVE_INO_BASE 3 /* slave N is inode N + 3; also its getdents position */
#define DEVPTS_NAME_LEN 255
#define PTMX_RDEV MKDEV(5, 2)
#define INDEX_TEXT_MAX 12

/* Linux's devpts_mount_options. */
struct devpts_options {
	bool uid_set, gid_set;
	uint32_t uid, gid;
	uint32_t mode; /* of new slaves */
	uint32_t ptmxmode;
};

static struct spinlock devpts_lock = SPINLOCK_INIT("devpts");
/* The shared instance's options (the last mount's), and the ptmx node's attributes
 * (devpts_lock). */
static struct devpts_options options = { .mode = 0600, .ptmxmode = 0 };
static uint32_t ptmx_uid, ptmx_gid;

static struct fs_type devpts_type;
static const struct inode_ops devpts_node_iops;

void devpts_new_node(uint32_t uid, uint32_t gid, struct pty_node *out)
{
	uint64_t f = spin_lock_irqsave(&devpts_lock);
	out->mode = options.mode;
	out->uid = options.uid_set ? options.uid : uid;
	out->gid = options.gid_set ? options.gid : gid;
	spin_unlock_irqrestore(&devpts_lock, f);
}

/* ---- nodes ---------------------------------------------------------------------------------- */

static struct inode *node_inode(struct super_block *sb, uint64_t ino, uint32_t mode,
				uint64_t rdev, uint32_t uid, uint32_t gid)
{
	struct inode *inode = inode_alloc(sb, mode);
	if (!inode)
		return NULL;
	inode->ino = ino;
	inode->rdev = rdev;
	inode->uid = uid;
	inode->gid = gid;
	inode->iops = &devpts_node_iops;
	return inode;
}

/* "12" -> 12; anything else (leading zeros, signs, too large) -> -1. */
static int parse_index(const char *s, size_t len)
{
	if (len == 0 || len > 4 || (s[0] == '0' && len > 1))
		return -1;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < PTY_MAX ? v : -1;
}

static int devpts_lookup(struct inode *dir, struct dentry *d)
{
	struct inode *inode;
	if (d->name_len == 4 && !memcmp(d->name, "ptmx", 4)) {
		uint64_t f = spin_lock_irqsave(&devpts_lock);
		uint32_t mode = S_IFCHR | options.ptmxmode, uid = ptmx_uid, gid = ptmx_gid;
		spin_unlock_irqrestore(&devpts_lock, f);
		inode = node_inode(dir->sb, DEVPTS_PTMX_INO, mode, PTMX_RDEV, uid, gid);
	} else {
		int index = parse_index(d->name, d->name_len);
		struct pty_node n;
		if (index < 0 || pty_node(index, &n))
			return 0; /* stays negative */
		inode = node_inode(dir->sb, DEVPTS_SLAVE_INO_BASE + (uint64_t)index,
				   S_IFCHR | n.mode, pty_slave_rdev(index), n.uid, n.gid);
	}
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

/* chmod/chown (the VFS checked the caller may): kept with the pair, or for ptmx here. A
 * size change means nothing to a device node. */
static int devpts_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *inode = d->inode;
	struct iattr copy = *a;
	copy.valid &= ~ATTR_SIZE;
	setattr_copy(inode, &copy);
	if (inode->ino == DEVPTS_PTMX_INO) {
		uint64_t f = spin_lock_irqsave(&devpts_lock);
		options.ptmxmode = inode->mode & 07777;
		ptmx_uid = inode->uid;
		ptmx_gid = inode->gid;
		spin_unlock_irqrestore(&devpts_lock, f);
		return 0;
	}
	struct pty_node n = { .mode = inode->mode & 07777, .uid = inode->uid, .gid = inode->gid };
	return pty_set_node((int)(inode->ino - DEVPTS_SLAVE_INO_BASE), &n);
}

static const struct inode_ops devpts_node_iops = { .setattr = devpts_setattr };

/* ".", "..", "ptmx", then the live slaves in order of their numbers. */
static int devpts_iterate(struct file *f, struct dir_context *ctx)
{
	(void)f;
	static const char *const fixed[] = { ".", "..", "ptmx" };
	static const uint64_t fixed_ino[] = { DEVPTS_ROOT_INO, DEVPTS_ROOT_INO, DEVPTS_PTMX_INO };
	static const uint8_t fixed_type[] = { DT_DIR, DT_DIR, DT_CHR };
	for (; ctx->pos < DEVPTS_SLAVE_INO_BASE; ctx->pos++) {
		size_t i = (size_t)ctx->pos;
		if (!ctx->emit(ctx, fixed[i], strlen(fixed[i]), fixed_ino[i], fixed_type[i],
			       ctx->pos + 1))
			return 0;
	}
	struct pty_node n;
	int index;
	while ((index = pty_next((int)(ctx->pos - DEVPTS_SLAVE_INO_BASE), &n)) >= 0) {
		char name[INDEX_TEXT_MAX];
		int len = ksnprintf(name, sizeof(name), "%d", index);
		int64_t pos = DEVPTS_SLAVE_INO_BASE + index;
		if (!ctx->emit(ctx, name, (size_t)len, (uint64_t)pos, DT_CHR, pos + 1))
			return 0;
		ctx->pos = pos + 1;
	}
	return 0;
}

/* A slave's cached name lives while open files hold it: it is stale once the master closed
 * (or the number went to a new pair). */
static bool devpts_revalidate(struct dentry *d)
{
	struct inode *inode = d->inode;
	if (inode->ino == DEVPTS_PTMX_INO)
		return true;
	struct pty_node n;
	return !pty_node((int)(inode->ino - DEVPTS_SLAVE_INO_BASE), &n) && n.uid == inode->uid &&
	       n.gid == inode->gid && (n.mode & 07777) == (inode->mode & 07777);
}

static const struct inode_ops devpts_root_iops = { .lookup = devpts_lookup,
						   .revalidate = devpts_revalidate };
static const struct file_ops devpts_root_fops = { .iterate = devpts_iterate };

/* ---- TIOCGPTPEER ---------------------------------------------------------------------------- */

/* The devpts directory a ptmx node is in or beside (its "pts" sibling's mount): referenced. */
static int ptmx_dir(const struct path *ptmx, struct path *dir)
{
	struct dentry *parent = dentry_get_parent(ptmx->dentry);
	if (ptmx->dentry->sb->type == &devpts_type) {
		mount_get(ptmx->mnt);
		*dir = (struct path){ .mnt = ptmx->mnt, .dentry = parent };
		return 0;
	}
	struct dentry *pts;
	int r = lookup_one(parent, "pts", 3, false, &pts);
	dentry_put(parent);
	if (r)
		return r;
	struct mount *m = mount_lookup(ptmx->mnt, pts);
	dentry_put(pts);
	if (!m)
		return -ENOENT;
	*dir = (struct path){ .mnt = m, .dentry = dentry_get(m->root) };
	if (m->sb->type == &devpts_type)
		return 0;
	path_put(dir);
	return -ENOENT;
}

int devpts_slave_path(const struct path *ptmx, int index, struct path *out)
{
	if (!ptmx->mnt)
		return -ENOENT;
	struct path dir;
	int r = ptmx_dir(ptmx, &dir);
	if (r)
		return r;
	char name[INDEX_TEXT_MAX];
	int len = ksnprintf(name, sizeof(name), "%d", index);
	struct dentry *d;
	r = lookup_one(dir.dentry, name, (size_t)len, false, &d);
	if (!r && !d->inode) {
		dentry_put(d);
		r = -EIO; /* the pair is going */
	}
	if (r) {
		path_put(&dir);
		return r;
	}
	dentry_put(dir.dentry);
	*out = (struct path){ .mnt = dir.mnt, .dentry = d };
	return 0;
}

/* ---- mounting ------------------------------------------------------------------------------- */

static int parse_number(const char *s, size_t len, unsigned base, uint32_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 10)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned digit = (unsigned)(s[i] - '0');
		if (digit >= base)
			return -EINVAL;
		v = v * base + digit;
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static bool key_is(const char *opt, size_t klen, const char *key)
{
	return klen == strlen(key) && !memcmp(opt, key, klen);
}

/* One "key=value" option into o; "newinstance" (a private instance) is not supported. */
static int parse_option(const char *opt, size_t len, struct devpts_options *o)
{
	const char *eq = memchr(opt, '=', len);
	if (!eq)
		return -EINVAL;
	size_t klen = (size_t)(eq - opt), vlen = len - klen - 1;
	const char *v = eq + 1;
	int r = -EINVAL;
	if (key_is(opt, klen, "mode") || key_is(opt, klen, "ptmxmode")) {
		uint32_t *dst = opt[0] == 'm' ? &o->mode : &o->ptmxmode;
		r = parse_number(v, vlen, 8, dst);
		*dst &= 07777;
	} else if (key_is(opt, klen, "uid")) {
		r = parse_number(v, vlen, 10, &o->uid);
		o->uid_set = !r;
	} else if (key_is(opt, klen, "gid")) {
		r = parse_number(v, vlen, 10, &o->gid);
		o->gid_set = !r;
	}
	return r;
}

static int parse_options(const char *data, struct devpts_options *o)
{
	while (data && *data) {
		const char *end = strchr(data, ',');
		size_t len = end ? (size_t)(end - data) : strlen(data);
		int r = parse_option(data, len, o);
		if (r)
			return r;
		data = end ? end + 1 : data + len;
	}
	return 0;
}

static int devpts_statfs(struct super_block *sb, struct linux_statfs *st)
{
	(void)sb;
	*st = (struct linux_statfs){ .f_type = DEVPTS_SUPER_MAGIC, .f_bsize = 4096,
				     .f_namelen = DEVPTS_NAME_LEN, .f_frsize = 4096 };
	return 0;
}

static void devpts_kill(struct super_block *sb)
{
	dentry_put(sb->root);
	kfree(sb);
}

static const struct super_ops devpts_sops = { .statfs = devpts_statfs, .kill = devpts_kill };

static int devpts_mount(const char *source, unsigned long flags, const char *data,
			struct super_block **out)
{
	(void)source;
	(void)flags;
	struct devpts_options o = { .mode = 0600, .ptmxmode = 0 };
	int r = parse_options(data, &o);
	if (r)
		return r;
	struct super_block *sb = sb_alloc(&devpts_type, &devpts_sops, 0, DEVPTS_SUPER_MAGIC);
	if (!sb)
		return -ENOMEM;
	struct inode *root = inode_alloc(sb, S_IFDIR | 0755);
	if (root) {
		root->ino = DEVPTS_ROOT_INO;
		root->nlink = 2;
		root->iops = &devpts_root_iops;
		root->fops = &devpts_root_fops;
	}
	sb->root = root ? dentry_alloc_root(sb, root) : NULL;
	if (!sb->root) {
		inode_put(root);
		kfree(sb);
		return -ENOMEM;
	}
	uint64_t f = spin_lock_irqsave(&devpts_lock);
	options = o;
	spin_unlock_irqrestore(&devpts_lock, f);
	*out = sb;
	return 0;
}

/* ---- boot ----------------------------------------------------------------------------------- */

#define GROUP_FILE_MAX 4096
#define TTY_GID_TEXT "5"

/* Does line (len bytes of /etc/group, "name:password:gid:members") name group id 5? */
static bool line_is_gid5(const char *line, size_t len)
{
	const char *end = line + len, *field = line;
	for (int i = 0; i < 2; i++) {
		field = memchr(field, ':', (size_t)(end - field));
		if (!field)
			return false;
		field++;
	}
	const char *stop = memchr(field, ':', (size_t)(end - field));
	size_t flen = stop ? (size_t)(stop - field) : (size_t)(end - field);
	return flen == strlen(TTY_GID_TEXT) && !memcmp(field, TTY_GID_TEXT, flen);
}

/* Is there a group 5 (Debian's tty) in the root's /etc/group? */
static bool tty_group_exists(void)
{
	struct file *f;
	if (vfs_openat(AT_FDCWD, "/etc/group", O_RDONLY, 0, &f))
		return false;
	char *buf = kmalloc(GROUP_FILE_MAX);
	long n = buf ? kernel_read(f, buf, GROUP_FILE_MAX, 0) : -ENOMEM;
	file_put(f);
	bool found = false;
	for (long i = 0; i < n && !found;) {
		const char *nl = memchr(buf + i, '\n', (size_t)(n - i));
		size_t len = nl ? (size_t)(nl - (buf + i)) : (size_t)(n - i);
		found = line_is_gid5(buf + i, len);
		i += (long)len + 1;
	}
	kfree(buf);
	return found;
}

const char *devpts_boot_options(void)
{
	return tty_group_exists() ? "gid=5,mode=0620,ptmxmode=000" : "mode=0620,ptmxmode=000";
}

static struct fs_type devpts_type = {
	.name = "devpts",
	.nodev = true,
	.mount = devpts_mount,
};

void devpts_register(void)
{
	fs_type_register(&devpts_type);
}
