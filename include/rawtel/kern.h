/* The kern/ units (kern/NAME.S) compiled into the binary after cpp. */
#ifndef RAWTEL_KERN_H
#define RAWTEL_KERN_H

#include <stddef.h>

struct kern_text {
	const char *name;	/* "open" for kern/open.S */
	const char *text;
	size_t len;
};

/* Terminated by an entry with name == NULL (build/gen/kern_text.c). */
extern const struct kern_text kern_texts[];

/* The unit called `name`, or NULL. */
const struct kern_text *kern_find(const char *name);

#endif
