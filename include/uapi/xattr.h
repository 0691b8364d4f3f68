/* Extended attributes (xattr(7), setxattr(2)): the flags of setxattr and the size limits the
 * system calls enforce, as Linux's <linux/xattr.h> and <linux/limits.h> define them. */
#ifndef UAPI_XATTR_H
#define UAPI_XATTR_H

#define XATTR_CREATE 0x1 /* fail with EEXIST if the attribute exists */
#define XATTR_REPLACE 0x2 /* fail with ENODATA if it does not */

#define XATTR_NAME_MAX 255 /* bytes of a name, prefix included */
#define XATTR_SIZE_MAX 65536 /* bytes of a value */
#define XATTR_LIST_MAX 65536 /* bytes of a listxattr answer */

#endif
