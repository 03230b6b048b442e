/* A small JSON parser (RFC 8259) for untrusted input: bounds-checked,
 * depth-limited, with a cap on the number of values. It builds a tree of
 * nodes addressed by index; strings are unescaped into one buffer (\u
 * escapes to UTF-8, lone surrogates to U+FFFD), NUL-terminated. */
#ifndef RAWTEL_JSON_H
#define RAWTEL_JSON_H

#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
		 JSON_OBJECT };

struct json_node {
	uint8_t type;		/* enum json_type */
	uint8_t boolean;
	uint32_t next;		/* next sibling; 0 = none (0 is the root) */
	uint32_t child;		/* first element or member; 0 = none */
	uint32_t n;		/* elements/members, or string/number bytes */
	uint32_t off;		/* string: in doc->str; number: in the input */
	uint32_t key, key_len;	/* an object member's name, in doc->str */
};

struct json_doc {
	struct json_node *nodes;
	uint32_t n_nodes, cap_nodes, max_nodes;
	char *str;
	size_t str_len;
	const char *src;
};

/* Parse s[0..n) (at most 1 GiB) with at most max_depth nested arrays and
 * objects and max_nodes values. 0, -EBADMSG (with the byte offset in the
 * message), -E2BIG, -ENOMEM. json_free() afterwards either way. */
int json_parse(struct json_doc *d, const char *s, size_t n, unsigned max_depth,
	       uint32_t max_nodes);
void json_free(struct json_doc *d);

const struct json_node *json_root(const struct json_doc *d);
/* First element/member of an array/object, and the one after x; NULL at
 * the end or when x has none. */
const struct json_node *json_first(const struct json_doc *d,
				   const struct json_node *x);
const struct json_node *json_next(const struct json_doc *d,
				  const struct json_node *x);
/* Member `key` of object obj (the first one so named), or NULL. */
const struct json_node *json_member(const struct json_doc *d,
				    const struct json_node *obj, const char *key);
/* A string node's bytes (NUL-terminated) or NULL when x is not a string. */
const char *json_str(const struct json_doc *d, const struct json_node *x,
		     size_t *len);
/* Integers from a number without fraction or exponent, or from a decimal
 * string (how proto3 JSON writes 64-bit ones): 0 or -ERANGE/-EINVAL. */
int json_i64(const struct json_doc *d, const struct json_node *x, int64_t *v);
int json_u64(const struct json_doc *d, const struct json_node *x, uint64_t *v);
/* A number, or one of the strings "NaN", "Infinity", "-Infinity" (or a
 * number in a string, as proto3 JSON allows). */
int json_double(const struct json_doc *d, const struct json_node *x, double *v);

#endif
