/* The kern/ units (kern/NAME.S) compiled into the binary after cpp, as one
 * LZ77 stream made by scripts/kern-pack (see lz.h): the units one after
 * the other, each followed by a NUL, without blank lines and with fewer
 * linemarkers than cpp wrote (every line at the same file and line). */
#ifndef RAWTEL_KERN_H
#define RAWTEL_KERN_H

#include <stddef.h>
#include <stdint.h>

struct kern_text {
	const char *name;	/* "open" for kern/open.S */
	uint32_t off;		/* where its text starts in the stream's text */
	uint32_t len;		/* of the text (its NUL not counted); 32 bits:
				 * 8 bytes less per unit on 64-bit targets */
};

/* Terminated by an entry with name == NULL (build/gen/kern_text.c). */
extern const struct kern_text kern_texts[];
/* The compressed stream, its size and the size of what it decodes to. */
extern const unsigned char kern_z[];
extern const size_t kern_zlen, kern_len;

/* Unit `name` as NUL-terminated text (the stream is decompressed on first
 * use and kept for the process), or NULL with *len untouched. */
const char *kern_find(const char *name, size_t *len);

#endif
