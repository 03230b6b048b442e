/* OTLP data as text, one line per item (user/otlp/print.c), for rawtel
 * cat: "TIME SERVICE span KIND NAME DURATION STATUS trace=.. span=.. k=v",
 * "TIME SERVICE log SEVERITY BODY ...", "TIME SERVICE metric NAME TYPE
 * VALUE ...". */
#ifndef RAWTEL_OTLP_PRINT_H
#define RAWTEL_OTLP_PRINT_H

#include "rawtel/otlp.h"

/* Print every item of b, decoded as `sig`, on stdout; 0 or -errno. */
int otlp_print_batch(const struct otlp_batch *b, enum otlp_signal sig);

#endif
