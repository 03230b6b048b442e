#!/bin/sh
# scripts/deploy/oci-image: the OCI image layout FROM scratch with only the
# static binary passes tests/integ/check_oci.py (digests, sizes, media
# types, diff_ids, platform, the one file /rawtel, static); building it
# twice gives the same manifest digest; a dynamically linked binary is
# refused. Needs the static build (make static; CI builds it first).
. "$RAWTEL_TOP/tests/lib.sh"
bin="$RAWTEL_TOP/build/static/rawtel"
if [ ! -f "$bin" ]; then
	fail deploy_oci "$bin missing: run make static"
	exit 0
fi
img="$RAWTEL_TOP/scripts/deploy/oci-image"
if sh "$img" "$bin" "$T_TMP/a" > "$T_TMP/a.out" 2>&1 &&
   python3 "$RAWTEL_TOP/tests/integ/check_oci.py" "$T_TMP/a" "$bin" > "$T_TMP/check.out" 2>&1 &&
   [ -s "$T_TMP/a.tar" ] && tar -tf "$T_TMP/a.tar" | grep -qx index.json; then
	pass deploy_oci_layout
else
	fail deploy_oci_layout "$(cat "$T_TMP/a.out" "$T_TMP/check.out" | head -c 600)"
fi
sh "$img" "$bin" "$T_TMP/b" > /dev/null 2>&1
if cmp -s "$T_TMP/a/index.json" "$T_TMP/b/index.json" && cmp -s "$T_TMP/a.tar" "$T_TMP/b.tar"; then
	pass deploy_oci_reproducible
else
	fail deploy_oci_reproducible "two builds of one binary differ"
fi
if ! sh "$img" "$RAWTEL_REL" "$T_TMP/dyn" > "$T_TMP/dyn.out" 2>&1 &&
   grep -q "dynamically linked" "$T_TMP/dyn.out"; then
	pass deploy_oci_refuses_dynamic
else
	fail deploy_oci_refuses_dynamic "$(cat "$T_TMP/dyn.out")"
fi
