# 1 "kern/sockio.S"
.prog p socket_filter
	r0 = 0
1:	r0 += 1
	if r0 < 4 goto 1b
	if r1 <= 0xffff goto 1f ; r1 = 0xffff ; 1: *(u16 *)(r9 + 0) = r1
	if r2 <= 0xffff goto 1f ; r2 = 0xffff ; 1: *(u16 *)(r9 + 2) = r2
.if !$two
	goto 2f
.elif ($two == 2) & (1 != 0)
	gotol 2f
.endif
2: 1:	exit
