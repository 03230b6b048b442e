/* A Redis command's words, as they stream in, become its operation name
 * and its text: the words joined by spaces, each cut to REDIS_ARG_MAX
 * bytes (the mapping sanitizes the rest), bytes that are not printable
 * ASCII as '?'. Secrets are never copied: every argument of AUTH, the
 * two after HELLO's AUTH, MIGRATE's AUTH / AUTH2 credentials, the value
 * of CONFIG SET requirepass / masterauth, and ACL SETUSER's password
 * rules (>pass, <pass, #hash, !hash) become "?".
 *
 * The operation is the command word upper-cased ("GET"); for container
 * commands, whose subcommand is what runs, it is both words as the Redis
 * documentation names them ("CONFIG GET", "CLIENT SETNAME"). */
#include <string.h>

#include "rawtel/sql.h"
#include "redis_int.h"

static const char *const subs[] = {
	[SUB_SUB] = "SUBSCRIBE", [SUB_PSUB] = "PSUBSCRIBE", [SUB_SSUB] = "SSUBSCRIBE",
	[SUB_UNSUB] = "UNSUBSCRIBE", [SUB_PUNSUB] = "PUNSUBSCRIBE",
	[SUB_SUNSUB] = "SUNSUBSCRIBE",
};

void redis_cmd_begin(struct redis_build *b, uint64_t ts)
{
	/* all but the text, written from its start and ended by
	 * redis_cmd_end: clearing it was most of a command's memset */
	memset(&b->c, 0, offsetof(struct redis_cmd, text));
	memset((char *)b + offsetof(struct redis_build, args_left), 0,
	       sizeof(*b) - offsetof(struct redis_build, args_left));
	b->c.start_ns = ts;
	b->c.replies = 1;
}

static void put(struct redis_build *b, char ch)
{
	if (b->text_len < REDIS_TEXT - 1)
		b->c.text[b->text_len++] = ch;
	else
		b->c.flags |= DB_X_TRUNC;
}

void redis_arg_begin(struct redis_build *b, uint8_t first)
{
	(void)first;
	b->arg_n = 0;
	b->word[0] = 0;
	b->redact = 0;
	if (b->argi)
		put(b, ' ');
	if (b->redact_rest || b->redact_next) {
		b->redact = 1;
		if (b->redact_next)
			b->redact_next--;
		put(b, '?');
	}
}

/* ACL SETUSER rules that carry a password or its hash */
static int acl_secret(const struct redis_build *b, uint8_t ch)
{
	return b->argi >= 2 && !strcmp(b->c.op, "ACL SETUSER") &&
	       (ch == '>' || ch == '<' || ch == '#' || ch == '!');
}

void redis_arg_bytes(struct redis_build *b, const uint8_t *p, size_t n)
{
	/* the upper-cased prefix: only words compared later need it */
	size_t wmax = !b->argi || (b->argi == 1 && b->container) || b->secret_at
			      ? sizeof(b->word) - 1 : 0;

	for (size_t i = 0; i < n; i++, b->arg_n++) {
		uint8_t ch = p[i];

		if (b->arg_n < wmax) {
			b->word[b->arg_n] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
			b->word[b->arg_n + 1] = 0;
		}
		if (!b->arg_n && !b->redact && acl_secret(b, ch)) {
			b->redact = 1;
			put(b, '?');
		}
		if (b->redact)
			continue;
		if (b->arg_n >= REDIS_ARG_MAX) {
			b->c.flags |= DB_X_TRUNC;
			continue;
		}
		put(b, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
	}
}

static int is(const struct redis_build *b, const char *w)
{
	/* the first letter first: most words are none of those asked */
	return b->word[0] == w[0] && b->arg_n == strlen(w) && !strcmp(b->word, w);
}

static void op_set(struct redis_build *b, const char *a, const char *w)
{
	size_t n = strlen(a), k = sizeof(b->c.op) - 1;

	if (n > k)
		n = k;
	memcpy(b->c.op, a, n);
	if (w && n + 1 < k) {
		size_t m = strlen(w);

		b->c.op[n++] = ' ';
		if (m > k - n)
			m = k - n;
		memcpy(b->c.op + n, w, m);
		n += m;
	}
	b->c.op[n] = 0;
}

static void first_word(struct redis_build *b)
{
	memcpy(b->cmd0, b->word, sizeof(b->cmd0));
	for (size_t i = 0; i < sizeof(b->word) - 1; i++)
		if (b->word[i] < 0x20 || b->word[i] > 0x7e)
			b->cmd0[i] = b->word[i] ? '?' : 0;
	op_set(b, b->cmd0, NULL);
	if (b->arg_n >= sizeof(b->word) - 1)
		b->c.flags |= DB_X_TRUNC;
	/* word is the argument's first bytes upper-cased; a container's
	 * name is shorter than it */
	b->container = b->arg_n < sizeof(b->word) && sql_cmd_container(b->word, b->arg_n);
	for (int k = SUB_SUB; k <= SUB_SUNSUB; k++)
		if (is(b, subs[k]))
			b->c.sub = (uint8_t)k;
	b->c.select = (uint8_t)is(b, "SELECT");
	b->redact_rest = (uint8_t)is(b, "AUTH");
	b->secret_at = !strcmp(b->cmd0, "HELLO") ? SECRET_HELLO
		       : !strcmp(b->cmd0, "MIGRATE") ? SECRET_MIGRATE : SECRET_NONE;
}

void redis_arg_end(struct redis_build *b)
{
	if (b->argi == 0) {
		first_word(b);
	} else if (b->argi == 1 && b->container) {
		char w[sizeof(b->word)];

		for (size_t i = 0; i < sizeof(w); i++)
			w[i] = b->word[i] >= 0x20 && b->word[i] < 0x7f ? b->word[i]
								      : (b->word[i] ? '?' : 0);
		op_set(b, b->cmd0, w);
		if (!strcmp(b->c.op, "CONFIG SET"))
			b->secret_at = SECRET_CONFIG_SET;
	} else if (!b->redact && b->secret_at) {
		/* the command words were compared once: most commands
		 * carry no secret, and their arguments pass here */
		if (b->secret_at == SECRET_HELLO && is(b, "AUTH"))
			b->redact_next = 2;
		else if (b->secret_at == SECRET_MIGRATE && is(b, "AUTH"))
			b->redact_next = 1;
		else if (b->secret_at == SECRET_MIGRATE && is(b, "AUTH2"))
			b->redact_next = 2;
		else if (b->secret_at == SECRET_CONFIG_SET &&
			 (is(b, "REQUIREPASS") || is(b, "MASTERAUTH")))
			b->redact_next = 1;
	}
	b->argi++;
}

void redis_cmd_end(struct redis_build *b)
{
	b->c.text[b->text_len] = 0;
	b->c.tlen = (uint8_t)b->text_len;
	if (b->c.sub)
		b->c.replies = b->argi > 1 ? b->argi - 1 : 0;
	/* SUBSCRIBE without a channel is an error: one reply */
	if (b->c.sub <= SUB_SSUB && !b->c.replies)
		b->c.replies = 1;
}
