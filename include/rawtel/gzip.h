/* gzip (RFC 1952) over rawtel's own DEFLATE encoder (RFC 1951): LZ77 on
 * the shared matcher (rawtel/lz.h) with lazy matching, then each block as
 * stored, fixed or dynamic Huffman, whichever is smallest. For OTLP/HTTP
 * requests with Content-Encoding: gzip (OTEL_EXPORTER_OTLP_COMPRESSION). */
#ifndef RAWTEL_GZIP_H
#define RAWTEL_GZIP_H

#include <stddef.h>
#include <stdint.h>

/* An output size that always suffices for n input bytes. */
size_t gzip_bound(size_t n);
/* Compress n bytes into out: the size written, -ENOSPC when cap is too
 * small, -ENOMEM. */
long gzip_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* The raw DEFLATE stream alone, the same way. */
long deflate_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

#endif
