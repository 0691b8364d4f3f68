/* Command-line word scanning for cmdline_has/cmdline_get. */
#include <lib/cmdline.h>

/* Find the word whose key is `key`; return a pointer just past the key (at '=' or the end of
 * the word), or NULL. Quoted values are skipped as a whole so "a=\"x key\"" never matches key. */
static const char *find_key(const char *s, const char *key)
{
	size_t klen = 0;
	while (key[klen])
		klen++;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		const char *word = s;
		bool quoted = false;
		while (*s && (quoted || *s != ' ')) {
			if (*s == '"')
				quoted = !quoted;
			s++;
		}
		size_t wlen = (size_t)(s - word);
		bool match = wlen >= klen;
		for (size_t i = 0; match && i < klen; i++)
			match = word[i] == key[i];
		if (match && (wlen == klen || word[klen] == '='))
			return word + klen;
	}
	return NULL;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return find_key(cmdline, key) != NULL;
}

int cmdline_get(const char *cmdline, const char *key, char *out, size_t size)
{
	const char *p = find_key(cmdline, key);
	if (!p || *p != '=')
		return -1;
	p++;
	bool quoted = false;
	size_t n = 0;
	for (; *p && (quoted || *p != ' '); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (size && n < size - 1)
			out[n] = *p;
		n++;
	}
	if (size)
		out[n < size ? n : size - 1] = 0;
	return (int)n;
}
