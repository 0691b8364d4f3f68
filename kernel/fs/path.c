/* Pure path-string helpers shared by path lookup and the host unit tests: splitting a path into
 * components. No kernel state. */
#include <fs/path.h>

size_t path_next_component(const char **p, const char **name)
{
	const char *s = *p;
	while (*s == '/')
		s++;
	const char *start = s;
	while (*s && *s != '/')
		s++;
	*name = start;
	*p = s;
	return (size_t)(s - start);
}
