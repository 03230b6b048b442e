/* A small LZ77 coder for the kern/ text embedded in the binary: macro
 * expansions repeat long runs, which this shrinks several-fold. The
 * encoder runs at build time (scripts/kern-pack.c); only the decoder is
 * linked into rawtel's static build (the encoder is dropped by
 * --gc-sections).
 * Format: groups of a flag byte and up to 8 items; flag bit i (LSB first)
 * 0: one literal byte; 1: a match of 3 bytes: u16 distance (1..65535,
 * little-endian) then length - 3 (0..255). */
#ifndef RAWTEL_LZ_H
#define RAWTEL_LZ_H

#include <stddef.h>
#include <stdint.h>

/* Encode n bytes; returns the size written to out (cap >= n + n/8 + 1
 * always suffices), or -ENOSPC. */
long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Decode into out (exactly `n` bytes expected); 0, or -EINVAL for input
 * that is malformed or does not produce exactly n bytes. */
int lz_decode(const uint8_t *in, size_t len, uint8_t *out, size_t n);

#endif
