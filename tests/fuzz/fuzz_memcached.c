/* libFuzzer target for the Memcached parser (user/proto/memcache_*.c):
 * the input format and the checks are fuzz_cache.h's. */
#define FUZZ_PARSER proto_memcached
#define FUZZ_NAME "fuzz_memcached"
#include "fuzz_cache.h"
