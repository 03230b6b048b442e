// The smallest program: used by feature probes and the overhead benchmark's
// floor (an attached program that does nothing).
.prog null tracepoint
	r0 = 0
	exit
