/* The embedded kern/ units, decompressed on first use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/kern.h"
#include "rawtel/lz.h"

const char *kern_find(const char *name, size_t *len)
{
	static char *text;

	for (const struct kern_text *k = kern_texts; k->name; k++) {
		if (strcmp(k->name, name))
			continue;
		if (!text) {
			char *t = malloc(kern_len);
			if (!t || lz_decode(kern_z, kern_zlen, (uint8_t *)t, kern_len)) {
				free(t);
				return NULL;
			}
			text = t;
		}
		*len = k->len;
		return text + k->off;
	}
	return NULL;
}
