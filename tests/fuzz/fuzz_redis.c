/* libFuzzer target for the Redis parser (user/proto/redis_*.c): the
 * input format and the checks are fuzz_cache.h's. */
#define FUZZ_PARSER proto_redis
#define FUZZ_NAME "fuzz_redis"
#include "fuzz_cache.h"
