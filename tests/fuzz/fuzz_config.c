/* libFuzzer target over rawtel run --config's parser (user/util/config.c):
 * the file is outside input. Each setting it hands over must be a
 * well-formed key (letters, digits, '_') and a value without a line end,
 * on increasing lines; the agent's key lookup sees every key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../user/agent/agent.h"
#include "rawtel/config.h"

static int check(void *ctx, const struct config_line *l)
{
	unsigned *last = ctx;

	if (!*l->key || l->line <= *last || strchr(l->value, '\n'))
		abort();
	for (const char *k = l->key; *k; k++)
		if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
		      (*k >= '0' && *k <= '9') || *k == '_'))
			abort();
	*last = l->line;
	/* a key ending in X fails, so the error path runs too */
	if (agent_env_known(l->key) && l->key[strlen(l->key) - 1] == 'X')
		return -22;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	unsigned last = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	config_parse(text, size, "fuzz.conf", check, &last);
	free(text);
	return 0;
}
