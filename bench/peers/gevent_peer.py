"""gevent's side of the peers suite, run by Debian's /usr/bin/python3 (package python3-gevent).

  gevent_peer.py version                      prints the Python and gevent versions
  gevent_peer.py throughput WORKLOAD N        prints {"ready": true}, then for every line
                                              {"minTimeMs": T} on stdin times whole batches of N
                                              operations for at least T ms and prints
                                              {"opsPerSecond": R}; exits when stdin closes
  gevent_peer.py memory N SAMPLES             prints {"bytesPerTask": [...]}: resident-set growth
                                              per greenlet parked in Event.wait(), N at a time

Each batch is written the way gevent's documentation shows and checks its own result, as the
Node side does.
"""
import gc
import json
import os
import platform
import sys
import time

import gevent
import gevent.event
import gevent.pool
import gevent.queue


def check(condition, message):
    if not condition:
        raise AssertionError("benchmark self-check failed: " + message)


def returns(i):
    return i


def yields_once(i):
    gevent.sleep(0)
    return i


def spawn_join(n, task):
    def batch():
        greenlets = [gevent.spawn(task, i) for i in range(n)]
        done = gevent.joinall(greenlets)
        check(len(done) == n and greenlets[-1].value == n - 1 and greenlets[0].value == 0, "joinall returned the wrong greenlets")
    return batch


def through_queue(n, maxsize):
    def batch():
        queue = gevent.queue.Queue(maxsize)

        def producer():
            for i in range(n):
                queue.put(i)

        def consumer():
            total = 0
            for _ in range(n):
                total += queue.get()
            return total

        p = gevent.spawn(producer)
        c = gevent.spawn(consumer)
        gevent.joinall([p, c], raise_error=True)
        check(c.value == n * (n - 1) // 2, "the consumer summed %r" % c.value)
    return batch


def ping_pong(n):
    def batch():
        ping = gevent.event.Event()
        pong = gevent.event.Event()
        count = [0]

        def pinger():
            for _ in range(n):
                ping.set()
                check(pong.wait(), "pong.wait() returned false")
                pong.clear()

        def ponger():
            for _ in range(n):
                check(ping.wait(), "ping.wait() returned false")
                ping.clear()
                count[0] += 1
                pong.set()

        b = gevent.spawn(ponger)
        a = gevent.spawn(pinger)
        gevent.joinall([a, b], raise_error=True)
        check(count[0] == n, "expected %d round trips, counted %d" % (n, count[0]))
    return batch


def double(i):
    return i * 2


def pool_map(n):
    items = list(range(n))

    def batch():
        values = gevent.pool.Pool(100).map(double, items)
        check(len(values) == n and values[0] == 0 and values[-1] == (n - 1) * 2 and values[n >> 1] == (n >> 1) * 2, "Pool.map returned the wrong values")
    return batch


def workload(name, n):
    if name == "spawn-join":
        return spawn_join(n, returns)
    if name == "spawn-yield":
        return spawn_join(n, yields_once)
    if name.startswith("queue-"):
        # gevent's waits are always killable: the plain and the killable workloads run the same code.
        return through_queue(n, int(name.split("-")[1]))
    if name.startswith("event"):
        return ping_pong(n)
    if name == "pool-map":
        return pool_map(n)
    raise SystemExit("gevent_peer.py: unknown workload %r" % name)


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def throughput(name, n):
    batch = workload(name, n)
    say({"ready": True})
    for line in sys.stdin:
        min_time = json.loads(line)["minTimeMs"] / 1000
        gc.collect(0)  # the young generation only, as the Node side's minor GC
        batches = 0
        start = time.perf_counter()
        while True:
            batch()
            batches += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        say({"opsPerSecond": n * batches / elapsed})


PAGE = os.sysconf("SC_PAGE_SIZE")


def resident():
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def memory(n, samples):
    def park():
        event = gevent.event.Event()
        before = resident()
        greenlets = [gevent.spawn(event.wait) for _ in range(n)]
        gevent.sleep(0)  # every greenlet runs up to its wait
        after = resident()
        event.set()
        done = gevent.joinall(greenlets)
        check(len(done) == n and all(g.value is True for g in greenlets), "every parked greenlet woke")
        return (after - before) / n

    park()  # the first round also grows the interpreter's own pools
    say({"bytesPerTask": [park() for _ in range(samples)]})


def main(argv):
    if argv[1] == "version":
        say({"python": platform.python_version(), "gevent": gevent.__version__})
    elif argv[1] == "throughput":
        throughput(argv[2], int(argv[3]))
    elif argv[1] == "memory":
        memory(int(argv[2]), int(argv[3]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
