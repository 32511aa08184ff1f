package io.proflens.model;

/**
 * Decoding of Nsight Systems serialized global ids: {@code globalTid = (vmId << 48) | (pid << 24) | tid}
 * with 24-bit pid and tid; GPU tables carry {@code globalPid = globalTid & 0xFFFFFFFFFF000000}
 * (nsys-reference.md §7.5, NVIDIA's example SQL {@code globalTid / 0x1000000 % 0x1000000 AS PID}).
 * Kineto and other producers encode their ids the same way so that one model serves all.
 */
public final class GlobalIds {
    private GlobalIds() {
    }

    /** @return the process id (bits 24..47). */
    public static int pid(long globalId) {
        return (int) ((globalId >>> 24) & 0xFFFFFF);
    }

    /** @return the thread id (bits 0..23). */
    public static int tid(long globalId) {
        return (int) (globalId & 0xFFFFFF);
    }

    /** @return the VM id (bits 48..63). */
    public static int vmId(long globalId) {
        return (int) (globalId >>> 48);
    }

    /** @return the globalPid of a globalTid (thread bits cleared). */
    public static long processOf(long globalTid) {
        return globalTid & 0xFFFFFFFFFF000000L;
    }

    /** Builds a globalTid from its parts. */
    public static long globalTid(int vmId, int pid, int tid) {
        return ((long) vmId << 48) | ((long) (pid & 0xFFFFFF) << 24) | (tid & 0xFFFFFF);
    }
}
