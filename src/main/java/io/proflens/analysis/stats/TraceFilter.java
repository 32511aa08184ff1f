package io.proflens.analysis.stats;

import io.proflens.model.GlobalIds;

/**
 * Row filter of {@code --filter-time} and {@code --filter-nvtx} with nsys semantics (nsys-reference.md §6):
 * a row is kept when it <em>overlaps</em> {@code [startNs, endNs)} —
 * {@code (start >= S AND start < E) OR (end >= S AND end < E) OR (start < S AND end >= E)} — and is not
 * clipped. An NVTX filter also restricts rows to the range's thread (push/pop range) or process (start/end
 * range); rows that only carry a process id are compared by process.
 *
 * @param startNs   window start S, ns (inclusive)
 * @param endNs     window end E, ns (exclusive)
 * @param globalTid thread restriction, or 0 for none
 * @param globalPid process restriction (thread bits zero), or 0 for none
 * @param label     what the filter was built from, for messages and file names
 */
public record TraceFilter(long startNs, long endNs, long globalTid, long globalPid, String label) {
    /** A filter that keeps everything. */
    public static final TraceFilter NONE = new TraceFilter(Long.MIN_VALUE, Long.MAX_VALUE, 0, 0, "");

    /** @return whether this filter keeps everything. */
    public boolean isNone() {
        return startNs == Long.MIN_VALUE && endNs == Long.MAX_VALUE && globalTid == 0 && globalPid == 0;
    }

    /** @return whether {@code [start, end]} overlaps the window (nsys predicate). */
    public boolean overlaps(long start, long end) {
        return (start >= startNs && start < endNs) || (end >= startNs && end < endNs) || (start < startNs && end >= endNs);
    }

    /** Row of a table with a {@code globalTid} column (API calls, NVTX, OS runtime). */
    public boolean keepThreadRow(long start, long end, long rowGlobalTid) {
        if (!overlaps(start, end)) {
            return false;
        }
        if (globalTid != 0) {
            return rowGlobalTid == globalTid;
        }
        if (globalPid != 0) {
            return GlobalIds.processOf(rowGlobalTid) == globalPid;
        }
        return true;
    }

    /** Row of a table with only a {@code globalPid} column (kernels, memcpy, memset). */
    public boolean keepProcessRow(long start, long end, long rowGlobalPid) {
        if (!overlaps(start, end)) {
            return false;
        }
        long pid = globalPid != 0 ? globalPid : (globalTid != 0 ? GlobalIds.processOf(globalTid) : 0);
        return pid == 0 || GlobalIds.processOf(rowGlobalPid) == pid;
    }
}
