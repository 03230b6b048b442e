/* A small compressor for the kern/ text embedded in the binary: macro
 * expansions repeat long runs, which this shrinks fifty-fold. The
 * encoder runs at build time (scripts/kern-pack.c); only the decoder is
 * linked into rawtel's static build (the encoder is dropped by
 * --gc-sections).
 * Format: LZ77 tokens (a literal byte, or a match of 3..65538 bytes 1..2^24-1
 * back, or at the distance of the match before) coded bit by bit with an
 * adaptive binary range coder, as LZMA does; literals, and whether a
 * match comes, in the context of the byte before. The first byte is 0; the stream ends with the coder's
 * last 4 bytes. Decoding needs 135 KB of probabilities while it runs. */
#ifndef RAWTEL_LZ_H
#define RAWTEL_LZ_H

#include <stddef.h>
#include <stdint.h>

/* Encode n bytes; returns the size written to out, -ENOMEM, or -ENOSPC
 * when that is over cap (n + n/8 + 16 is plenty for text and for random
 * bytes alike). */
long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Decode into out (exactly `n` bytes expected); 0, -ENOMEM, or -EINVAL for
 * input that is malformed, does not produce exactly n bytes or does not
 * end where its coding does. */
int lz_decode(const uint8_t *in, size_t len, uint8_t *out, size_t n);

#endif
