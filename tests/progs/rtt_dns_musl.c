/* rtt_dns statically linked with musl (see rtt_dns.c). */
#include "rtt_dns.c"
