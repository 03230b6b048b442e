/* libFuzzer target for the TZif reader and TZ rule parser (user/util/
 * tz_file.c, tz.c): a zone file is outside bytes (/etc/localtime, TZ's
 * path). Any input is refused or loaded; a loaded zone answers every time
 * with an offset within RFC 8536's range (rules: 24 hours and one). The
 * input, NUL-terminated, is also a TZ rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/tz.h"

static const int64_t probe_times[] = { INT64_MIN, -(1LL << 40), -1, 0, 1700000000, 4102444800,
				       1LL << 40, INT64_MAX };

static void check_zone(const struct tz *z)
{
	for (size_t i = 0; i < sizeof(probe_times) / sizeof(probe_times[0]); i++) {
		int32_t off = tz_offset(z, probe_times[i]);
		struct tm tm;

		if (off < -93600 || off > 93600)
			abort();
		tz_civil(probe_times[i] / 2 + off, &tm);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz z;
	struct tz_rule r;
	char *text;

	if (!tz_load_tzif(&z, data, size))
		check_zone(&z);
	tz_free(&z);
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (!tz_parse_rule(&r, text)) {
		memset(&z, 0, sizeof(z));
		z.rule = r;
		check_zone(&z);
	}
	free(text);
	return 0;
}
