/* Lookup of the embedded kern/ units. */
#include <string.h>

#include "rawtel/kern.h"

const struct kern_text *kern_find(const char *name)
{
	for (const struct kern_text *k = kern_texts; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}
