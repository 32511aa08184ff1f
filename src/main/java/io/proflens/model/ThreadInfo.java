package io.proflens.model;

/**
 * A CPU thread: {@code globalTid} (see {@link GlobalIds}), its name (may be {@code null}) and priority
 * (nsys {@code ThreadNames}; 0 when unknown).
 */
public record ThreadInfo(long globalTid, String name, int priority) implements java.io.Serializable {
    public int pid() {
        return GlobalIds.pid(globalTid);
    }

    public int tid() {
        return GlobalIds.tid(globalTid);
    }
}
