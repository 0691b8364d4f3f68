/* Linux struct new_utsname, as uname(2) fills it. */
#ifndef UAPI_UTSNAME_H
#define UAPI_UTSNAME_H

#define UTSNAME_LEN 65

struct linux_utsname {
	char sysname[UTSNAME_LEN];
	char nodename[UTSNAME_LEN];
	char release[UTSNAME_LEN];
	char version[UTSNAME_LEN];
	char machine[UTSNAME_LEN];
	char domainname[UTSNAME_LEN];
};
_Static_assert(sizeof(struct linux_utsname) == 6 * UTSNAME_LEN, "utsname layout");

#endif
