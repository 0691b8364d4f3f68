/* Capability mode and descriptor rights (the rules are in docs/capabilities.md): the checks
 * other subsystems call. */
#ifndef SECURITY_CAPABILITY_H
#define SECURITY_CAPABILITY_H

#include <stdbool.h>
#include <uapi/zero/cap.h>

/* Is the calling process in capability mode? (Kernel threads never are.) */
bool capmode_current(void);

#endif
