#!/bin/sh
# SPDX-License-Identifier: MIT
# Every example object (examples/bpf, each CPU version and clang 14) is
# accepted by `bpfrt verify`, program by program (issue 5). The one
# exception is subprog_tp: a tracepoint program reading the record's first
# bytes, which the kernel refuses too (tracepoint records are readable from
# offset 8); its object must still accept subprog_tc.
# Usage: verify_examples.sh BPFRT EXAMPLES_DIR
bpfrt=$1 dir=$2 objs=0 progs=0 bad=0
for o in "$dir"/*.o; do
	[ -e "$o" ] || continue
	objs=$((objs + 1))
	out=$("$bpfrt" verify "$o" 2>&1)
	rc=$?
	progs=$((progs + $(printf '%s\n' "$out" | grep -c ': accepted: processed')))
	case $o in
	*/subprog.*)
		want="subprog_tc: accepted"
		printf '%s\n' "$out" | grep -q "invalid bpf_context access off=0 size=4" &&
			printf '%s\n' "$out" | grep -q "program subprog_tp rejected" || want=x ;;
	*) want=0 ;;
	esac
	if [ "$want" = 0 ] && [ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q rejected; then
		continue
	elif [ "$want" != 0 ] && [ "$want" != x ] && [ $rc -eq 1 ] &&
		printf '%s\n' "$out" | grep -q "$want"; then
		continue
	fi
	echo "FAIL $o (exit $rc):"
	printf '%s\n' "$out"
	bad=$((bad + 1))
done
[ $objs -ge 30 ] && [ $bad -eq 0 ] && ok=": ok"
echo "$objs objects, $progs programs accepted, $bad unexpected$ok"
[ -n "$ok" ]
