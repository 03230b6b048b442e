/* Small helpers of the MySQL parser: length-encoded integers, strings
 * copied the way rawtel/db.h wants them, command names, counters. */
#include <stddef.h>
#include <string.h>

#include "my_int.h"

int my_lenenc(const uint8_t *p, size_t n, size_t *off, uint64_t *v)
{
	size_t o = *off, w;
	uint8_t b;

	if (o >= n)
		return -1;
	b = p[o];
	if (b < 0xfb) {
		*v = b;
		*off = o + 1;
		return 0;
	}
	if (b == 0xfb || b == 0xff)
		return -1;
	w = b == 0xfc ? 2 : b == 0xfd ? 3 : 8;
	if (n - o - 1 < w)
		return -1;
	*v = 0;
	for (size_t i = w; i > 0; i--)
		*v = *v << 8 | p[o + i];
	*off = o + 1 + w;
	return 0;
}

int my_copy_str(char *dst, size_t size, const uint8_t *src, size_t n)
{
	size_t k = n < size - 1 ? n : size - 1;

	for (size_t i = 0; i < k; i++) {
		uint8_t b = src[i];

		if (b == '\t' || b == '\n' || b == '\r')
			b = ' ';
		dst[i] = (char)(b >= 0x20 && b < 0x7f ? b : '?');
	}
	dst[k] = 0;
	return k < n;
}

void my_stat_add(const struct my_conn *c, size_t off, uint64_t n)
{
	if (c->o && c->o->stats)
		*(uint64_t *)(void *)((char *)c->o->stats + off) += n;
}

/* The commands of both servers, 0x01 to MY_COM_LAST in order, without
 * their "COM_": one string, not a table of pointers (0x00 COM_SLEEP is
 * server-internal, 0x20 and up are not commands but MariaDB's bulk). */
static const char names[] =
	"QUIT\0INIT_DB\0QUERY\0FIELD_LIST\0CREATE_DB\0DROP_DB\0REFRESH\0SHUTDOWN\0"
	"STATISTICS\0PROCESS_INFO\0CONNECT\0PROCESS_KILL\0DEBUG\0PING\0TIME\0"
	"DELAYED_INSERT\0CHANGE_USER\0BINLOG_DUMP\0TABLE_DUMP\0CONNECT_OUT\0"
	"REGISTER_SLAVE\0STMT_PREPARE\0STMT_EXECUTE\0STMT_SEND_LONG_DATA\0STMT_CLOSE\0"
	"STMT_RESET\0SET_OPTION\0STMT_FETCH\0DAEMON\0BINLOG_DUMP_GTID\0RESET_CONNECTION";

int my_cmd_known(uint8_t cmd)
{
	return cmd == MY_COM_STMT_BULK_EXECUTE || (cmd >= 1 && cmd <= MY_COM_LAST);
}

void my_cmd_name(uint8_t cmd, char *out, size_t size)
{
	const char *k = names;
	size_t n;

	if (cmd == MY_COM_STMT_BULK_EXECUTE) {
		k = "STMT_BULK_EXECUTE";
	} else if (cmd >= 1 && cmd <= MY_COM_LAST) {
		for (uint8_t i = 1; i < cmd; i++)
			k += strlen(k) + 1;
	} else {
		out[0] = 0;
		return;
	}
	n = strlen(k);
	if (n > size - 5)
		n = size - 5;
	memcpy(out, "COM_", 4);
	memcpy(out + 4, k, n);
	out[4 + n] = 0;
}
