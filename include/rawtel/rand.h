/* Random ids for spans and traces (user/util/rand.c): a xoshiro256**
 * generator seeded once from getrandom(2). Not for secrets; W3C trace
 * context only asks that ids be random and not all zero. */
#ifndef RAWTEL_RAND_H
#define RAWTEL_RAND_H

#include <stdint.h>

/* n random bytes, never all zero */
void rand_id(uint8_t *id, int n);

#endif
