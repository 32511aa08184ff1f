package io.proflens.analysis.gputime;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Periods in which a GPU ran nothing, with the semantics of the nsys {@code gpu_gaps} expert rule
 * (nsys-reference.md §8; nsys {@code gpu_gaps.py}).
 *
 * <p>GPU operations are kernels, memcpys and memsets with a known end and {@code start > 0}, grouped by process
 * ({@code pid} from {@code globalPid}) and device. Within a (pid, device), starts are numbered in ascending order and
 * ends in ascending order, end <i>j</i> is paired with start <i>j+1</i>, and a pair is a gap when
 * {@code end < start} and {@code start − end > minGapNs}. This is exactly the set of holes in the union of the
 * operations between the first start and the last end, except that a zero-length operation inside a hole splits
 * it in two (as in nsys). The gap's context is that of the operation whose end opens it.
 *
 * <p>Difference from nsys: nsys also counts {@code PROFILER_OVERHEAD} rows (CUDA profiling flush/stop overhead) as
 * GPU activity, so a gap that is covered by profiler overhead is not reported by nsys; the proflens model has no
 * profiler-overhead rows, so such gaps are reported here. nsys's default threshold is 500 ms
 * ({@link #DEFAULT_MIN_GAP_NS}); any threshold ≥ 0 is accepted.
 *
 * <p>Memory: one {@link Gap} record per gap kept; a threshold of 0 on a trace with millions of operations keeps
 * millions of records. The per-device totals are exact for any threshold.
 *
 * @param minGapNs   threshold, ns: gaps strictly longer are kept
 * @param gaps       kept gaps, ordered by duration descending, then start, pid, device
 * @param totalGapNs sum of the kept gaps' durations, ns
 * @param devices    one row per (pid, device) that has GPU operations, ordered by pid then device
 */
public record GpuGaps(long minGapNs, List<Gap> gaps, long totalGapNs, List<DeviceGaps> devices) {

    /** nsys {@code gpu_gaps} default threshold: 500 ms, in ns. */
    public static final long DEFAULT_MIN_GAP_NS = 500_000_000L;

    /** Copies the lists. */
    public GpuGaps {
        gaps = List.copyOf(gaps);
        devices = List.copyOf(devices);
    }

    /**
     * One idle period of a device.
     *
     * @param startNs    gap start (end of the operation before it), ns
     * @param durationNs gap length, ns ({@code > minGapNs})
     * @param pid        process id
     * @param deviceId   device id
     * @param contextId  context of the operation whose end opens the gap
     */
    public record Gap(long startNs, long durationNs, int pid, int deviceId, int contextId) {
        /** @return gap end (start of the next operation), ns */
        public long endNs() {
            return startNs + durationNs;
        }
    }

    /**
     * Gaps of one (pid, device).
     *
     * @param pid          process id
     * @param deviceId     device id
     * @param gapCount     number of kept gaps
     * @param totalGapNs   sum of the kept gaps, ns
     * @param largestGapNs longest kept gap, ns (0 when none)
     */
    public record DeviceGaps(int pid, int deviceId, int gapCount, long totalGapNs, long largestGapNs) {
    }

    /** @return number of kept gaps */
    public int count() {
        return gaps.size();
    }

    /** @return {@link #of(Trace, long)} with nsys's default threshold of 500 ms */
    public static GpuGaps of(Trace trace) {
        return of(trace, DEFAULT_MIN_GAP_NS);
    }

    /**
     * @param trace    the trace
     * @param minGapNs threshold, ns (≥ 0); gaps strictly longer are kept
     * @return the gaps; empty when the trace has no GPU operations
     * @throws IllegalArgumentException when {@code minGapNs} is negative
     */
    public static GpuGaps of(Trace trace, long minGapNs) {
        if (minGapNs < 0) {
            throw new IllegalArgumentException("minGapNs must be >= 0: " + minGapNs);
        }
        GpuOps ops = GpuOps.of(trace);
        int[] byStart = ops.byDeviceThenStart();
        int[] byEnd = PrimitiveSort.sortIndices(PrimitiveSort.identity(ops.n), (a, b) -> {
            int c = Integer.compare(ops.pid[a], ops.pid[b]);
            if (c == 0) {
                c = Integer.compare(ops.deviceId[a], ops.deviceId[b]);
            }
            return c != 0 ? c : Long.compare(ops.endNs[a], ops.endNs[b]);
        });
        List<Gap> gaps = new ArrayList<>();
        List<DeviceGaps> devices = new ArrayList<>();
        long total = 0;
        // both orders group the same (pid, device) rows at the same positions
        for (int a = 0; a < byStart.length; ) {
            int b = a + 1;
            while (b < byStart.length && ops.sameDevice(byStart[a], byStart[b])) {
                b++;
            }
            int count = 0;
            long sum = 0;
            long largest = 0;
            for (int j = a; j + 1 < b; j++) {
                int endOp = byEnd[j];
                long gapStart = ops.endNs[endOp];
                long gapEnd = ops.startNs[byStart[j + 1]];
                if (gapStart < gapEnd && gapEnd - gapStart > minGapNs) {
                    long d = gapEnd - gapStart;
                    gaps.add(new Gap(gapStart, d, ops.pid[endOp], ops.deviceId[endOp], ops.contextId[endOp]));
                    count++;
                    sum += d;
                    largest = Math.max(largest, d);
                }
            }
            total += sum;
            devices.add(new DeviceGaps(ops.pid[byStart[a]], ops.deviceId[byStart[a]], count, sum, largest));
            a = b;
        }
        gaps.sort(Comparator.comparingLong(Gap::durationNs).reversed().thenComparingLong(Gap::startNs)
                .thenComparingInt(Gap::pid).thenComparingInt(Gap::deviceId));
        return new GpuGaps(minGapNs, gaps, total, devices);
    }

    /** @return table {@code gpu_gaps} with the nsys columns Duration, Start, PID, Device ID, Context ID, in nsys order */
    public ResultTable toTable() {
        List<Column> cols = List.of(new Column("Duration", Kind.DURATION), new Column("Start", Kind.TIMESTAMP),
                new Column("PID", Kind.INTEGER), new Column("Device ID", Kind.INTEGER),
                new Column("Context ID", Kind.INTEGER));
        List<Object[]> rows = new ArrayList<>(gaps.size());
        for (Gap g : gaps) {
            rows.add(new Object[] {g.durationNs(), g.startNs(), (long) g.pid(), (long) g.deviceId(), (long) g.contextId()});
        }
        return new ResultTable("gpu_gaps", "GPU Gaps (longer than " + minGapNs + " ns)", cols, rows);
    }
}
