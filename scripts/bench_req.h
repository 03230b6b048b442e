/* The request head both HTTP benchmarks feed (bench_http1.c,
 * bench_consumer.c): a browser-like API call, so that their figures are of
 * the same bytes. Each adds its own last fields and the blank line. */
#ifndef RAWTEL_BENCH_REQ_H
#define RAWTEL_BENCH_REQ_H

#define BENCH_REQ_HEAD                                                            \
	"GET /api/v2/users/12345/orders?page=2&limit=50 HTTP/1.1\r\n"             \
	"Host: api.example.com\r\n"                                               \
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0\r\n" \
	"Accept: application/json\r\n"                                            \
	"Accept-Encoding: gzip, deflate, br\r\n"

#endif
