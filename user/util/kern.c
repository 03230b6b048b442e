/* The embedded kern/ units, decompressed on first use. */
#include <stdlib.h>
#include <string.h>

#include "rawtel/kern.h"
#include "rawtel/lz.h"

#define KERN_MAX_UNITS 64

const char *kern_find(const char *name, size_t *len)
{
	static char *texts[KERN_MAX_UNITS];
	size_t i = 0;

	for (const struct kern_text *k = kern_texts; k->name && i < KERN_MAX_UNITS; k++, i++) {
		if (strcmp(k->name, name))
			continue;
		if (!texts[i]) {
			char *t = malloc(k->len + 1);
			if (!t || lz_decode(k->z, k->zlen, (uint8_t *)t, k->len)) {
				free(t);
				return NULL;
			}
			t[k->len] = 0;
			texts[i] = t;
		}
		*len = k->len;
		return texts[i];
	}
	return NULL;
}
