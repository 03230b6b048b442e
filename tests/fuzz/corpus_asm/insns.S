.prog p socket_filter
	r1 = 5
	w1 += w2
	r1 s>>= 3
	r0 = be16 r0
	r0 = bswap64 r0
	r1 = (s16) r2
	r1 s/= r2
	w1 s%= 7
	r1 = -r1
	r0 = *(u16 *)skb[4]
	r0 = *(u32 *)skb[r1 + 4]
	r1 = *(s8 *)(r2 + 0)
	*(u32 *)(r10 - 4) = 0xffffffff
	*(u64 *)(r10 -8) = r1
	lock *(u64 *)(r1 + 0) += r2
	w2 = atomic_fetch_xor((u32 *)(r1 + 8), w2)
	r2 = xchg_64(r1 + 0, r2)
	w0 = cmpxchg32_32(r1 - 8, w0, w2)
	r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r3)
	r1 = 0x123456789 ll
	r1 = map_fd(3) ll
top:	if r1 & 5 goto top
	if w1 s<= w2 goto pc-2
	goto +1
	gotol out
	call bpf_map_lookup_elem#1
	call ktime_get_ns
	call sub
out:	exit
sub:	r0 = 0
	exit
