package io.proflens.analysis.gputime;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How busy each GPU is, per process and device and per stream, plus the low-utilisation regions of the nsys
 * {@code gpu_time_util} expert rule.
 *
 * <p><b>GPU operations</b> are kernels, memcpys and memsets with a known end and {@code start > 0} (nsys
 * {@code gpustats.GPUOperation}), grouped by process ({@code pid} decoded from {@code globalPid}) and device.
 * {@code busy} is the length of the union of the operations' {@code [start, end)} intervals, {@code span} is
 * {@code last end − first start}, {@code idle = span − busy}, utilisation = {@code busy / span × 100}.
 *
 * <p><b>{@code gpu_time_util}</b> (nsys-reference.md §8; nsys {@code gpu_time_util.py}): per (pid, device),
 * {@code [min start, max end]} is cut into chunks of {@code chunkSize = ceil((max − min) / chunks)} ns (computed in
 * double as the SQL does); chunk {@code r} is {@code [min + r·chunkSize, min(min + (r+1)·chunkSize, max))} and only
 * chunks with a positive length exist (so there may be fewer than {@code chunks}). A chunk's in-use % is
 * {@code Σ overlap(op, chunk) / chunk length × 100}: concurrent operations add up, so it can exceed 100. Chunks
 * below the threshold are kept; runs of consecutive low chunks are coalesced into one row whose value is the
 * chunk-length-weighted average rounded to 0.1 (half away from zero, as SQLite's {@code round}); rows are ordered
 * by that average, then duration (then start, pid, device for determinism). Unlike nsys, no
 * {@code PROFILER_OVERHEAD} rows are counted as GPU activity (the model has none), so regions where only the
 * profiler flushed its buffers can show up as low utilisation here and not in nsys.
 *
 * <p>The full chunk series (every chunk, for charts) is kept per device with two values: the nsys in-use % (sum of
 * overlaps) and a busy % (union of the operations in the chunk, 0-100).
 *
 * @param chunks       number of chunks asked for (nsys {@code chunks}, 1-1000)
 * @param thresholdPct in-use threshold, % (a chunk is low when its in-use % is strictly below it)
 * @param devices      one row per (pid, device), ordered by pid then device
 * @param streams      one row per (pid, device, stream), ordered by pid, device, stream
 * @param lowUtilization the coalesced low-utilisation regions, nsys order (see above)
 */
public record GpuUtilization(int chunks, double thresholdPct, List<Device> devices, List<Stream> streams,
                             List<LowUtilization> lowUtilization) {

    /** nsys {@code gpu_time_util} default number of chunks. */
    public static final int DEFAULT_CHUNKS = 30;
    /** nsys {@code gpu_time_util} default threshold, %. */
    public static final double DEFAULT_THRESHOLD_PCT = 50;

    /** Copies the lists. */
    public GpuUtilization {
        devices = List.copyOf(devices);
        streams = List.copyOf(streams);
        lowUtilization = List.copyOf(lowUtilization);
    }

    /**
     * Utilisation of one (pid, device).
     *
     * @param pid            process id
     * @param deviceId       device id
     * @param contextId      context of the device's first operation (nsys reports one context per (pid, device)
     *                       row; which one SQLite picks is unspecified)
     * @param firstStartNs   start of the first operation, ns
     * @param lastEndNs      end of the last-ending operation, ns
     * @param spanNs         {@code lastEnd − firstStart}
     * @param busyNs         length of the union of the operations, ns
     * @param idleNs         {@code span − busy}
     * @param utilizationPct {@code busy / span × 100}; 0 when the span is 0
     * @param ops            number of operations
     * @param chunkSizeNs    nsys chunk size, ns (0 when the span is 0)
     * @param chunkSeries    every chunk in time order (empty when the span is 0)
     */
    public record Device(int pid, int deviceId, int contextId, long firstStartNs, long lastEndNs, long spanNs,
                         long busyNs, long idleNs, double utilizationPct, long ops, long chunkSizeNs,
                         List<Chunk> chunkSeries) {
        /** Copies the list. */
        public Device {
            chunkSeries = List.copyOf(chunkSeries);
        }
    }

    /**
     * Utilisation of one (pid, device, stream); fields as in {@link Device}, busy being the union on the stream.
     *
     * @param pid            process id
     * @param deviceId       device id
     * @param streamId       stream id as in the trace
     * @param firstStartNs   start of the first operation, ns
     * @param lastEndNs      end of the last-ending operation, ns
     * @param spanNs         {@code lastEnd − firstStart}
     * @param busyNs         union of the stream's operations, ns
     * @param idleNs         {@code span − busy}
     * @param utilizationPct {@code busy / span × 100}; 0 when the span is 0
     * @param ops            number of operations
     */
    public record Stream(int pid, int deviceId, int streamId, long firstStartNs, long lastEndNs, long spanNs,
                         long busyNs, long idleNs, double utilizationPct, long ops) {
    }

    /**
     * One chunk of the series.
     *
     * @param startNs  chunk start, ns
     * @param endNs    chunk end, ns (the last chunk is clipped to the device's last end)
     * @param inUsePct nsys in-use %: Σ overlap(op, chunk) / length × 100, unrounded; may exceed 100
     * @param busyPct  union of the operations within the chunk / length × 100, unrounded, 0-100
     */
    public record Chunk(long startNs, long endNs, double inUsePct, double busyPct) {
    }

    /**
     * A region of consecutive low chunks (nsys {@code gpu_time_util} row).
     *
     * @param inUsePct   chunk-length-weighted average in-use %, rounded to 0.1
     * @param durationNs region length, ns
     * @param startNs    region start, ns
     * @param pid        process id
     * @param deviceId   device id
     * @param contextId  context id (as in {@link Device#contextId()})
     */
    public record LowUtilization(double inUsePct, long durationNs, long startNs, int pid, int deviceId,
                                 int contextId) {
    }

    /** @return {@link #of(Trace, int, double)} with nsys's defaults (30 chunks, 50 %) */
    public static GpuUtilization of(Trace trace) {
        return of(trace, DEFAULT_CHUNKS, DEFAULT_THRESHOLD_PCT);
    }

    /**
     * @param trace        the trace
     * @param chunks       number of chunks per (pid, device), 1-1000 as in nsys
     * @param thresholdPct in-use threshold, %; chunks strictly below it are reported
     * @return the utilisation; empty lists when the trace has no GPU operations
     * @throws IllegalArgumentException when {@code chunks} is outside 1-1000
     */
    public static GpuUtilization of(Trace trace, int chunks, double thresholdPct) {
        if (chunks < 1 || chunks > 1000) {
            throw new IllegalArgumentException("chunks must be between 1 and 1000: " + chunks);
        }
        GpuOps ops = GpuOps.of(trace);
        List<Device> devices = new ArrayList<>();
        List<LowUtilization> low = new ArrayList<>();
        int[] idx = ops.byDeviceThenStart();
        for (int a = 0; a < idx.length; ) {
            int b = a + 1;
            while (b < idx.length && ops.sameDevice(idx[a], idx[b])) {
                b++;
            }
            Device d = device(ops, idx, a, b, chunks);
            devices.add(d);
            lowRegions(d, thresholdPct, low);
            a = b;
        }
        low.sort(Comparator.comparingDouble(LowUtilization::inUsePct).thenComparingLong(LowUtilization::durationNs)
                .thenComparingLong(LowUtilization::startNs).thenComparingInt(LowUtilization::pid)
                .thenComparingInt(LowUtilization::deviceId));
        List<Stream> streams = new ArrayList<>();
        idx = ops.byStreamThenStart();
        for (int a = 0; a < idx.length; ) {
            int b = a + 1;
            while (b < idx.length && ops.sameStream(idx[a], idx[b])) {
                b++;
            }
            long first = ops.startNs[idx[a]];
            long last = Long.MIN_VALUE;
            long busy = 0;
            long curS = first;
            long curE = first;
            for (int j = a; j < b; j++) {
                int o = idx[j];
                long s = ops.startNs[o];
                long e = ops.endNs[o];
                last = Math.max(last, e);
                if (s > curE) {
                    busy += curE - curS;
                    curS = s;
                    curE = e;
                } else {
                    curE = Math.max(curE, e);
                }
            }
            busy += curE - curS;
            long span = last - first;
            int o = idx[a];
            streams.add(new Stream(ops.pid[o], ops.deviceId[o], ops.streamId[o], first, last, span, busy, span - busy,
                    span == 0 ? 0.0 : 100.0 * busy / span, b - a));
            a = b;
        }
        return new GpuUtilization(chunks, thresholdPct, devices, streams, low);
    }

    /** Operations idx[a..b) of one device, sorted by start. */
    private static Device device(GpuOps ops, int[] idx, int a, int b, int chunks) {
        long first = ops.startNs[idx[a]];
        long last = Long.MIN_VALUE;
        for (int j = a; j < b; j++) {
            last = Math.max(last, ops.endNs[idx[j]]);
        }
        long span = last - first;
        // nsys: ceil(CAST(max(end) - min(start) AS FLOAT) / chunks)
        long chunkSize = span == 0 ? 0 : (long) Math.ceil((double) span / chunks);
        int nChunks = 0;
        if (chunkSize > 0) {
            nChunks = (int) Math.min(chunks, (span + chunkSize - 1) / chunkSize);
        }
        long[] overlapSum = new long[nChunks];
        long[] unionSum = new long[nChunks];
        long busy = 0;
        long curS = first;
        long curE = first;
        for (int j = a; j < b; j++) {
            int o = idx[j];
            long s = ops.startNs[o];
            long e = ops.endNs[o];
            distribute(s, e, first, last, chunkSize, overlapSum);
            if (s > curE) {
                busy += curE - curS;
                distribute(curS, curE, first, last, chunkSize, unionSum);
                curS = s;
                curE = e;
            } else {
                curE = Math.max(curE, e);
            }
        }
        busy += curE - curS;
        distribute(curS, curE, first, last, chunkSize, unionSum);
        List<Chunk> series = new ArrayList<>(nChunks);
        for (int r = 0; r < nChunks; r++) {
            long cs = first + r * chunkSize;
            long ce = Math.min(cs + chunkSize, last);
            long size = ce - cs;
            // nsys: sum(CAST(overlap AS FLOAT)) / (cend - cstart) * 100
            series.add(new Chunk(cs, ce, (double) overlapSum[r] / size * 100, (double) unionSum[r] / size * 100));
        }
        int o = idx[a];
        return new Device(ops.pid[o], ops.deviceId[o], ops.contextId[o], first, last, span, busy, span - busy,
                span == 0 ? 0.0 : 100.0 * busy / span, b - a, chunkSize, series);
    }

    /** Adds the overlap of {@code [s, e)} with each chunk to {@code sums}. */
    private static void distribute(long s, long e, long first, long last, long chunkSize, long[] sums) {
        if (e <= s || sums.length == 0) {
            return;
        }
        int from = (int) ((s - first) / chunkSize);
        int to = (int) Math.min(sums.length - 1, (e - 1 - first) / chunkSize);
        for (int r = from; r <= to; r++) {
            long cs = first + r * chunkSize;
            long ce = Math.min(cs + chunkSize, last);
            long ov = Math.min(e, ce) - Math.max(s, cs);
            if (ov > 0) {
                sums[r] += ov;
            }
        }
    }

    private static void lowRegions(Device d, double thresholdPct, List<LowUtilization> out) {
        List<Chunk> c = d.chunkSeries();
        for (int r = 0; r < c.size(); ) {
            if (!(c.get(r).inUsePct() < thresholdPct)) {
                r++;
                continue;
            }
            int q = r;
            double weighted = 0;
            long size = 0;
            while (q < c.size() && c.get(q).inUsePct() < thresholdPct) {
                long len = c.get(q).endNs() - c.get(q).startNs();
                weighted += len * c.get(q).inUsePct();
                size += len;
                q++;
            }
            long start = c.get(r).startNs();
            long end = c.get(q - 1).endNs();
            out.add(new LowUtilization(SummaryStats.round1(weighted / size), end - start, start, d.pid(), d.deviceId(),
                    d.contextId()));
            r = q;
        }
    }

    /**
     * @return two tables: {@code gpu_utilization} (one row per device with stream "all", then one row per stream
     *         of that device; percent rounded to 0.1) and {@code gpu_time_util} (nsys columns: In-Use (%),
     *         Duration, Start, PID, Device ID, Context ID, in nsys order)
     */
    public List<ResultTable> toTables() {
        List<Column> cols = List.of(new Column("PID", Kind.INTEGER), new Column("Device ID", Kind.INTEGER),
                new Column("Stream", Kind.TEXT), new Column("Ops", Kind.INTEGER), new Column("First Start", Kind.TIMESTAMP),
                new Column("Last End", Kind.TIMESTAMP), new Column("Span", Kind.DURATION), new Column("Busy", Kind.DURATION),
                new Column("Idle", Kind.DURATION), new Column("Utilization", Kind.PERCENT));
        List<Object[]> rows = new ArrayList<>();
        int s = 0;
        for (Device d : devices) {
            rows.add(new Object[] {(long) d.pid(), (long) d.deviceId(), "all", d.ops(), d.firstStartNs(), d.lastEndNs(),
                d.spanNs(), d.busyNs(), d.idleNs(), SummaryStats.round1(d.utilizationPct())});
            for (; s < streams.size() && streams.get(s).pid() == d.pid() && streams.get(s).deviceId() == d.deviceId();
                 s++) {
                Stream t = streams.get(s);
                rows.add(new Object[] {(long) t.pid(), (long) t.deviceId(), Integer.toString(t.streamId()), t.ops(),
                    t.firstStartNs(), t.lastEndNs(), t.spanNs(), t.busyNs(), t.idleNs(),
                    SummaryStats.round1(t.utilizationPct())});
            }
        }
        ResultTable util = new ResultTable("gpu_utilization", "GPU Utilization per Device and Stream", cols, rows);
        List<Column> lowCols = List.of(new Column("In-Use", Kind.PERCENT), new Column("Duration", Kind.DURATION),
                new Column("Start", Kind.TIMESTAMP), new Column("PID", Kind.INTEGER), new Column("Device ID", Kind.INTEGER),
                new Column("Context ID", Kind.INTEGER));
        List<Object[]> lowRows = new ArrayList<>();
        for (LowUtilization l : lowUtilization) {
            lowRows.add(new Object[] {l.inUsePct(), l.durationNs(), l.startNs(), (long) l.pid(), (long) l.deviceId(),
                (long) l.contextId()});
        }
        return List.of(util, new ResultTable("gpu_time_util", "GPU Time Utilization (below "
                + SummaryStats.round1(thresholdPct) + " %)", lowCols, lowRows));
    }
}
