/* The W^X audit: walks every present mapping of an address space and finds any page that is
 * both writable and executable (effective permissions, combined down the table levels). */
#ifndef SECURITY_WX_AUDIT_H
#define SECURITY_WX_AUDIT_H

#include <stdint.h>

/* Number of writable+executable leaves in the tables at pml4_pa (each is logged). */
uint64_t wx_audit(uint64_t pml4_pa);
/* Boot-time audit of the kernel's tables: panics on any violation, else prints
 * "W^X audit passed". */
void wx_audit_boot(void);

#endif
