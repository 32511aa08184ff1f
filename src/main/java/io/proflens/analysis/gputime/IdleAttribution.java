package io.proflens.analysis.gputime;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Why each GPU stream was idle, with the semantics of HTA {@code get_idle_time_breakdown}
 * (kineto-reference.md §3.4; HTA {@code hta/analyzers/breakdown_analysis.py}, {@code _analyze_idle_time_for_stream}).
 *
 * <p>Per (pid, device, stream) the GPU operations (kernels, memcpys, memsets with a known end and {@code start > 0})
 * are sorted by start. Every operation but the first has an idle interval before it:
 * {@code max(0, start − prevEnd)}, where {@code prevEnd} is the latest end among the earlier operations of the stream.
 * The interval is
 * <ul>
 *   <li>{@link Category#HOST_WAIT} when the operation's launching CUDA API call ({@link io.proflens.model.LaunchLinks})
 *       started after {@code prevEnd} — the CPU did not enqueue work fast enough;</li>
 *   <li>else {@link Category#KERNEL_WAIT} when the interval is shorter than {@code consecutiveKernelDelayNs} —
 *       the normal launch overhead between back-to-back operations;</li>
 *   <li>else {@link Category#OTHER}.</li>
 * </ul>
 * An operation whose launching call is not in the trace is never host wait (HTA's runtime join can count such
 * operations as host wait: on a PARAM DLRM trace with 64 of them, HTA reports 63 more host-wait intervals and the
 * same stream total). Zero-length intervals are counted
 * (HTA counts every operation after the first). The category totals of a stream add up to its idle time, which
 * equals {@code span − busy} of the stream in {@link GpuUtilization}.
 *
 * <p>Differences from HTA, all deliberate: HTA uses the end of the immediately preceding operation
 * ({@code shift(1)}), so overlapping operations on one stream give it negative intervals; proflens uses the latest
 * earlier end and never goes below 0 (identical when a stream's operations do not overlap, which is the CUDA
 * stream contract). HTA works in integer µs after rounding float timestamps ({@code ts = ceil(ts)},
 * {@code end = floor(ts + dur)}), proflens in exact ns. HTA's default window drops operations launched during
 * the last {@code ProfilerStep} ({@code include_last_profiler_step=False}); {@link #of(Trace, long)} counts every
 * operation, {@link #of(Trace, long, long)} with {@link #htaWindowEndNs(Trace)} reproduces HTA's window.
 * HTA's default {@code consecutive_kernel_delay=30} is compared with µs values, i.e. 30 µs
 * ({@link #DEFAULT_CONSECUTIVE_KERNEL_DELAY_NS}), although its docstring says nanoseconds.
 *
 * @param consecutiveKernelDelayNs threshold below which a non-host-wait interval is kernel wait, ns
 * @param launchedBeforeNs         window: only operations launched before this time were counted
 *                                 ({@link Long#MAX_VALUE}: all operations)
 * @param streams                  one row per (pid, device, stream), ordered by pid, device, stream
 */
public record IdleAttribution(long consecutiveKernelDelayNs, long launchedBeforeNs, List<StreamIdle> streams) {

    /** HTA's default {@code consecutive_kernel_delay}: 30 (µs in HTA's time base), in ns. */
    public static final long DEFAULT_CONSECUTIVE_KERNEL_DELAY_NS = 30_000L;

    /** Copies the list. */
    public IdleAttribution {
        streams = List.copyOf(streams);
    }

    /** Idle categories, HTA {@code IdleTimeType}. */
    public enum Category {
        /** The operation's launch started after the previous operation ended: the CPU was late. */
        HOST_WAIT,
        /** Short gap between operations that were already enqueued: launch overhead. */
        KERNEL_WAIT,
        /** Anything else (e.g. waits on events or other streams). */
        OTHER
    }

    /**
     * Idle time of one stream.
     *
     * @param pid        process id
     * @param deviceId   device id
     * @param streamId   stream id as in the trace (Kineto's stream ids for Kineto traces)
     * @param ops        number of operations on the stream
     * @param idleNs     total idle time (sum of all intervals), ns
     * @param categories one entry per {@link Category}, in enum order, always three
     */
    public record StreamIdle(int pid, int deviceId, int streamId, long ops, long idleNs, List<CategoryIdle> categories) {
        /** Copies the list. */
        public StreamIdle {
            categories = List.copyOf(categories);
        }

        /** @return the entry of {@code c} */
        public CategoryIdle category(Category c) {
            return categories.get(c.ordinal());
        }
    }

    /**
     * Idle intervals of one category on one stream.
     *
     * @param category  the category
     * @param idleNs    sum of the intervals, ns
     * @param count     number of intervals (including zero-length ones)
     * @param idleRatio {@code idleNs / stream idle}, 0-1; NaN when the stream has no idle time (HTA prints NaN)
     * @param meanNs    mean interval, ns; NaN when count is 0
     * @param minNs     shortest interval, ns; 0 when count is 0
     * @param medianNs  median interval (middle pair averaged), ns; NaN when count is 0
     * @param maxNs     longest interval, ns; 0 when count is 0
     */
    public record CategoryIdle(Category category, long idleNs, long count, double idleRatio, double meanNs, long minNs,
                               double medianNs, long maxNs) {
    }

    /** @return {@link #of(Trace, long)} with {@link #DEFAULT_CONSECUTIVE_KERNEL_DELAY_NS} */
    public static IdleAttribution of(Trace trace) {
        return of(trace, DEFAULT_CONSECUTIVE_KERNEL_DELAY_NS);
    }

    /**
     * @param trace                    the trace
     * @param consecutiveKernelDelayNs kernel-wait threshold, ns
     * @return the attribution over all GPU operations; empty when there are none
     */
    public static IdleAttribution of(Trace trace, long consecutiveKernelDelayNs) {
        return of(trace, consecutiveKernelDelayNs, Long.MAX_VALUE);
    }

    /**
     * @param trace                    the trace
     * @param consecutiveKernelDelayNs kernel-wait threshold, ns
     * @param launchedBeforeNs         count only operations whose launching call is in the trace and started
     *                                 strictly before this time; {@link Long#MAX_VALUE} counts every operation
     *                                 (including those without a launch)
     * @return the attribution; empty when no operation qualifies
     */
    public static IdleAttribution of(Trace trace, long consecutiveKernelDelayNs, long launchedBeforeNs) {
        GpuOps ops = GpuOps.of(trace, true, launchedBeforeNs);
        int[] idx = ops.byStreamThenStart();
        long[] values = new long[idx.length];
        byte[] cat = new byte[idx.length];
        List<StreamIdle> out = new ArrayList<>();
        for (int a = 0; a < idx.length; ) {
            int b = a + 1;
            while (b < idx.length && ops.sameStream(idx[a], idx[b])) {
                b++;
            }
            long prevEnd = ops.endNs[idx[a]];
            for (int j = a + 1; j < b; j++) {
                int o = idx[j];
                long s = ops.startNs[o];
                long interval = Math.max(0, s - prevEnd);
                long launch = ops.launchStartNs[o];
                Category c;
                if (launch != GpuOps.NO_LAUNCH && launch > prevEnd) {
                    c = Category.HOST_WAIT;
                } else if (interval < consecutiveKernelDelayNs) {
                    c = Category.KERNEL_WAIT;
                } else {
                    c = Category.OTHER;
                }
                values[j] = interval;
                cat[j] = (byte) c.ordinal();
                prevEnd = Math.max(prevEnd, ops.endNs[o]);
            }
            out.add(stream(ops, idx[a], b - a, values, cat, a + 1, b));
            a = b;
        }
        return new IdleAttribution(consecutiveKernelDelayNs, launchedBeforeNs, out);
    }

    private static StreamIdle stream(GpuOps ops, int firstOp, int nOps, long[] values, byte[] cat, int from, int to) {
        long total = 0;
        for (int j = from; j < to; j++) {
            total += values[j];
        }
        List<CategoryIdle> cats = new ArrayList<>(3);
        long[] buf = new long[Math.max(0, to - from)];
        for (Category c : Category.values()) {
            int m = 0;
            for (int j = from; j < to; j++) {
                if (cat[j] == c.ordinal()) {
                    buf[m++] = values[j];
                }
            }
            if (m == 0) {
                cats.add(new CategoryIdle(c, 0, 0, total == 0 ? Double.NaN : 0.0, Double.NaN, 0, Double.NaN, 0));
            } else {
                SummaryStats st = SummaryStats.compute(buf, 0, m);
                cats.add(new CategoryIdle(c, st.total(), m, total == 0 ? Double.NaN : (double) st.total() / total,
                        st.mean(), st.min(), st.median(), st.max()));
            }
        }
        return new StreamIdle(ops.pid[firstOp], ops.deviceId[firstOp], ops.streamId[firstOp], nOps, total, cats);
    }

    /**
     * HTA's default analysis window ({@code include_last_profiler_step=False}, HTA
     * {@code Trace._filter_irrelevant_gpu_kernels}): when the trace has at least two differently named
     * {@code ProfilerStep#N} ranges (Kineto {@code user_annotation}, imported as NVTX push/pop ranges), HTA keeps only
     * GPU operations whose launching CPU event started before the start of the last one; with zero or one step it
     * keeps everything.
     *
     * @param trace the trace
     * @return start of the last {@code ProfilerStep#} range, ns, or {@link Long#MAX_VALUE} when HTA would not filter
     */
    public static long htaWindowEndNs(Trace trace) {
        NvtxTable nv = trace.nvtx();
        Set<String> names = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (int i = 0; i < nv.size(); i++) {
            String name = trace.string(nv.textId(i));
            if (name != null && name.startsWith("ProfilerStep#")) {
                names.add(name);
                last = Math.max(last, nv.startNs(i));
            }
        }
        return names.size() >= 2 ? last : Long.MAX_VALUE;
    }

    /**
     * @return table {@code idle_attribution}: one row per stream and category (ordered by pid, device, stream,
     *         category) with idle time, ratio of the stream's idle time (%), interval count and mean / min / median /
     *         max interval; empty cells where a statistic is undefined
     */
    public ResultTable toTable() {
        List<Column> cols = List.of(new Column("PID", Kind.INTEGER), new Column("Device ID", Kind.INTEGER),
                new Column("Stream", Kind.INTEGER), new Column("Category", Kind.TEXT), new Column("Idle", Kind.DURATION),
                new Column("Share of Stream Idle", Kind.PERCENT), new Column("Intervals", Kind.INTEGER),
                new Column("Mean", Kind.DURATION), new Column("Min", Kind.DURATION), new Column("Med", Kind.DURATION),
                new Column("Max", Kind.DURATION));
        List<Object[]> rows = new ArrayList<>();
        for (StreamIdle s : streams) {
            for (CategoryIdle c : s.categories()) {
                boolean any = c.count() > 0;
                rows.add(new Object[] {(long) s.pid(), (long) s.deviceId(), (long) s.streamId(),
                    c.category().name().toLowerCase(java.util.Locale.ROOT), c.idleNs(),
                    Double.isNaN(c.idleRatio()) ? null : SummaryStats.round1(100 * c.idleRatio()), c.count(),
                    any ? SummaryStats.round1(c.meanNs()) : null, any ? (Object) c.minNs() : null,
                    any ? SummaryStats.round1(c.medianNs()) : null, any ? (Object) c.maxNs() : null});
            }
        }
        return new ResultTable("idle_attribution", "GPU Idle Time Attribution per Stream (HTA)", cols, rows);
    }
}
