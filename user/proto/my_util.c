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

/* The commands of both servers, by byte; NULL: none (0x00 COM_SLEEP is
 * server-internal, 0x20 and up are not commands but MariaDB's bulk). */
static const char *const names[MY_COM_LAST + 1] = {
	[0x01] = "COM_QUIT", [0x02] = "COM_INIT_DB", [0x03] = "COM_QUERY",
	[0x04] = "COM_FIELD_LIST", [0x05] = "COM_CREATE_DB", [0x06] = "COM_DROP_DB",
	[0x07] = "COM_REFRESH", [0x08] = "COM_SHUTDOWN", [0x09] = "COM_STATISTICS",
	[0x0a] = "COM_PROCESS_INFO", [0x0b] = "COM_CONNECT", [0x0c] = "COM_PROCESS_KILL",
	[0x0d] = "COM_DEBUG", [0x0e] = "COM_PING", [0x0f] = "COM_TIME",
	[0x10] = "COM_DELAYED_INSERT", [0x11] = "COM_CHANGE_USER",
	[0x12] = "COM_BINLOG_DUMP", [0x13] = "COM_TABLE_DUMP", [0x14] = "COM_CONNECT_OUT",
	[0x15] = "COM_REGISTER_SLAVE", [0x16] = "COM_STMT_PREPARE",
	[0x17] = "COM_STMT_EXECUTE", [0x18] = "COM_STMT_SEND_LONG_DATA",
	[0x19] = "COM_STMT_CLOSE", [0x1a] = "COM_STMT_RESET", [0x1b] = "COM_SET_OPTION",
	[0x1c] = "COM_STMT_FETCH", [0x1d] = "COM_DAEMON", [0x1e] = "COM_BINLOG_DUMP_GTID",
	[0x1f] = "COM_RESET_CONNECTION",
};

int my_cmd_known(uint8_t cmd)
{
	return cmd == MY_COM_STMT_BULK_EXECUTE || (cmd <= MY_COM_LAST && names[cmd]);
}

const char *my_cmd_name(uint8_t cmd)
{
	if (cmd == MY_COM_STMT_BULK_EXECUTE)
		return "COM_STMT_BULK_EXECUTE";
	if (cmd <= MY_COM_LAST && names[cmd])
		return names[cmd];
	return "";
}
