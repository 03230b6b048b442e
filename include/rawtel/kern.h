/* The kern/ units (kern/NAME.S) compiled into the binary after cpp,
 * LZ77-compressed by scripts/kern-pack (see lz.h). */
#ifndef RAWTEL_KERN_H
#define RAWTEL_KERN_H

#include <stddef.h>

struct kern_text {
	const char *name;	/* "open" for kern/open.S */
	const unsigned char *z;	/* compressed text */
	size_t zlen;
	size_t len;		/* of the text */
};

/* Terminated by an entry with name == NULL (build/gen/kern_text.c). */
extern const struct kern_text kern_texts[];

/* Unit `name` as text (decompressed once, kept for the process), or NULL
 * with *len untouched. */
const char *kern_find(const char *name, size_t *len);

#endif
