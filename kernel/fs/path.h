/* Pure path-string helpers (fs/path.c), shared by path lookup and the host unit tests. */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stddef.h>

/* Split the next component off *p (skipping slashes): *name gets its start, the result is its
 * length (0 at the end of the path), and *p moves past it. */
size_t path_next_component(const char **p, const char **name);

#endif
