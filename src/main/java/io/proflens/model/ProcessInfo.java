package io.proflens.model;

/** A process: {@code globalPid} (thread bits zero), OS pid and name ({@code null} when unknown). */
public record ProcessInfo(long globalPid, int pid, String name) implements java.io.Serializable {
}
