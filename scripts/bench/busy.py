# A control for the benches: a process that does nothing but burn CPU
# FRACTION of the time (0..1) in bursts, every PERIOD_MS, scheduled as
# rawtel is (SCHED_BATCH). Run where rawtel ran, it shows what any
# process taking rawtel's CPU costs the load on this machine, apart from
# what rawtel itself does (its probes, its copies, its wakeups' timing).
#   python3 busy.py FRACTION [PERIOD_MS]
import os
import signal
import sys
import time

# started in the background by a shell, which ignores SIGINT there: the
# benches stop their tracers with it
signal.signal(signal.SIGINT, lambda *_: sys.exit(0))

frac = min(max(float(sys.argv[1]), 0.0), 1.0)
period = (float(sys.argv[2]) if len(sys.argv) > 2 else 5.0) / 1000
try:
    os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
except (AttributeError, OSError):
    pass
print("burning", flush=True)
spin, rest = frac * period, (1 - frac) * period
clock = time.thread_time
while True:
    # on-CPU time, not wall time: a burst preempted by the server is
    # finished later, as rawtel finishes a drain
    end = clock() + spin
    while clock() < end:
        pass
    if rest > 0:
        time.sleep(rest)
