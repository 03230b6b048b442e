/* Explaining a verifier rejection next to the kern/ source (internal to
 * user/bpf/). */
#ifndef RAWTEL_VLOG_H
#define RAWTEL_VLOG_H

#include "rawtel/bpfobj.h"

/* Reload `insns` of program `p` with a verifier log (its first load failed
 * with `first_err`), then record an error that names the kern/ file:line of
 * the rejected instruction, its text and the verifier's complaint. With
 * RAWTEL_VERIFIER_LOG=FILE set, the whole log is written there. Returns
 * the negative errno of the failure, or the program's fd when the second
 * load succeeds after all. */
int vlog_load_explain(const struct bpf_obj_unit *un, const struct asm_prog *p,
		      const struct rt_bpf_insn *insns, const char *license,
		      int first_err);

/* Line `line` of `file` in the cpp output `text` of a unit (what its
 * linemarkers say), tabs as spaces, into out: 0, or -ENOENT when the text
 * has no such line. */
int vlog_source_line(const char *text, size_t len, const char *file, uint32_t line,
		     char *out, size_t size);

#endif
