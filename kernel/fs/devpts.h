/* devpts: the file system of the pty slaves (/dev/pts), one instance shared by every mount
 * (Linux's legacy single instance: a mount's options apply to it; "newinstance" is refused). */
#ifndef FS_DEVPTS_H
#define FS_DEVPTS_H

#include <fs/vfs.h>
#include <drivers/pty.h>

/* Register the file system type (at boot). */
void devpts_register(void);
/* The options of the boot mount on /dev/pts: mode 0620, and group tty (gid 5) when
 * /etc/group has it (else each slave gets its opener's group). */
const char *devpts_boot_options(void);
/* The node of a new slave made by a caller with fsuid uid and fsgid gid: owner and group the
 * uid= and gid= options or else the caller's, the mode the mode= option. */
void devpts_new_node(uint32_t uid, uint32_t gid, struct pty_node *out);
/* The path of slave index beside a master opened at ptmx (/dev/pts/ptmx, or /dev/ptmx with
 * devpts mounted on the "pts" next to it), for TIOCGPTPEER: 0 with *out referenced, or
 * -errno. */
int devpts_slave_path(const struct path *ptmx, int index, struct path *out);

#endif
