package io.proflens.ingest.kineto;

import io.proflens.model.LongIntHashMap;
import java.util.BitSet;

/**
 * Correlation id → launching host pid, for millions of launches: almost every launch of a trace comes from one
 * process, so those are a bit per correlation id (ids are small dense ints) and only launches from other
 * processes, or with ids outside the dense range, go to a hash map. When one id was launched from several
 * processes, a launch from a process other than the first one seen wins (Kineto ids are unique per process;
 * a trace file normally holds one launching process).
 */
final class LaunchIndex {
    private static final int DENSE_LIMIT = 1 << 26;
    private final BitSet firstPidLaunches = new BitSet();
    private final LongIntHashMap others = new LongIntHashMap(16);
    private int firstPid = Integer.MIN_VALUE;

    void put(int corr, int pid) {
        if (firstPid == Integer.MIN_VALUE) {
            firstPid = pid;
        }
        if (pid == firstPid && corr >= 0 && corr < DENSE_LIMIT) {
            firstPidLaunches.set(corr);
        } else {
            others.putIfAbsent(corr & 0xFFFFFFFFL, pid);
        }
    }

    /** @return the launching pid of {@code corr}, or -1 when no launch has it. */
    int get(int corr) {
        int p = others.get(corr & 0xFFFFFFFFL);
        if (p >= 0) {
            return p;
        }
        return corr >= 0 && corr < DENSE_LIMIT && firstPidLaunches.get(corr) ? firstPid : -1;
    }
}
