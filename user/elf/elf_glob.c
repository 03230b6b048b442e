/* Shell-style glob matching for symbol names: *, ?, [set], [!set], \x.
 * Our own, not fnmatch(3): no locale or multibyte work, and the subject is
 * a length-delimited slice of the mapping (a .symtab name ends at '@'). */
#include "rawtel/elf.h"

/* Does the one-character pattern element at P (a literal, '?', "\x" or
 * "[...]") match C? Sets *plen to the element's length. A '[' without its
 * ']' is a literal '['. */
static int elf_glob_one(const char *p, unsigned char c, size_t *plen)
{
	const char *q = p + 1;
	int neg, hit = 0;

	if (*p == '?') {
		*plen = 1;
		return 1;
	}
	if (*p == '\\' && p[1]) {
		*plen = 2;
		return (unsigned char)p[1] == c;
	}
	if (*p != '[') {
		*plen = 1;
		return (unsigned char)*p == c;
	}
	neg = *q == '!' || *q == '^';
	q += neg;
	/* a ']' first in the set is a member, not the end */
	for (const char *start = q; *q && (*q != ']' || q == start); q++) {
		unsigned char lo = (unsigned char)*q, hi = lo;

		if (q[1] == '-' && q[2] && q[2] != ']') {
			hi = (unsigned char)q[2];
			q += 2;
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	if (*q != ']') {
		*plen = 1;
		return c == '[';
	}
	*plen = (size_t)(q - p) + 1;
	return hit != neg;
}

/* Iterative matcher: on a mismatch, retry from the last '*' one subject
 * character further on. Only the last star needs revisiting, so the cost
 * stays O(pattern * subject) at worst with no recursion. */
int elf_glob(const char *pat, const char *str, size_t len)
{
	const char *p = pat, *star = NULL;
	size_t i = 0, star_i = 0, plen;

	while (i < len || *p) {
		if (*p == '*') {
			star = ++p;
			star_i = i;
			continue;
		}
		if (*p && i < len && elf_glob_one(p, (unsigned char)str[i], &plen)) {
			p += plen;
			i++;
			continue;
		}
		if (!star || star_i >= len)
			return 0;
		p = star;
		i = ++star_i;
	}
	return 1;
}
