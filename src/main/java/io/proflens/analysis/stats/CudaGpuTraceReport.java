package io.proflens.analysis.stats;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.model.GpuDevice;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemoryKind;
import io.proflens.model.MemsetTable;
import io.proflens.model.PrimitiveSort;
import io.proflens.model.TableKind;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cuda_gpu_trace[:base|:mangled]} — CUDA GPU Trace. Semantics of nsys {@code cuda_gpu_trace.py}
 * (2020–2024): every kernel, memcpy and memset, one row each.
 *
 * <p>Columns: {@code Start (ns)} (timestamp), {@code Duration (ns)}, {@code CorrId}, {@code GrdX},
 * {@code GrdY}, {@code GrdZ}, {@code BlkX}, {@code BlkY}, {@code BlkZ}, {@code Reg/Trd}, {@code StcSMem (MB)},
 * {@code DymSMem (MB)}, {@code Bytes (MB)} (stored in bytes, printed as MB like nsys's {@code mem_B}),
 * {@code Throughput (MBps)} (stored in bytes/s: nsys's {@code bytes * (1000000000 / duration)} with SQLite
 * <em>integer</em> division, NULL for kernels and zero durations; a product beyond 64 bits becomes a
 * {@link Double} as SQLite turns it into REAL), {@code SrcMemKd} (memcpy source or memset memory kind label),
 * {@code DstMemKd}, {@code Device} ({@code printf('%s (%d)', gpu.name, deviceId)}), {@code Ctx},
 * {@code GreenCtx}, {@code Strm}, {@code Name} (kernel name by argument; {@code [CUDA memcpy <label>]} with the
 * version-dependent label of {@link NamingPolicy}, NULL for an unknown copy kind as nsys's left join gives;
 * {@code [CUDA memset]}). Kernel-only cells are NULL for memory operations and vice versa. Order: start
 * (nsys {@code ORDER BY start}); ties keep kernels, then memcpys, then memsets, each in table order.
 *
 * <p>Deviations, chosen so that the report prints on every export: nsys SKIPs with
 * "file does not contain TARGET_INFO_GPU table." when the export has no GPU table (the sliced FastVideo
 * fixtures, the 2020 export) and with "does not contain 'greenContextId' column." on exports before
 * nsys 2024.6; proflens prints the report, takes GPU names from {@link Trace#devices()} (also
 * {@code TARGET_INFO_CUDA_GPU} of 2020 exports) and prints a device without a known name as
 * {@code " (<id>)"} — exactly what nsys's left join prints for a device id missing from its GPU table.
 * {@code GreenCtx} is always NULL: the model keeps no green context id (nsys prints
 * {@code NULLIF(greenContextId, 0)}, NULL for ordinary contexts). The {@code nvtx-name} argument is not
 * supported.
 */
public final class CudaGpuTraceReport implements StatsReport {
    @Override public String name() { return "cuda_gpu_trace"; }
    @Override public String title() { return "CUDA GPU Trace"; }
    @Override public Set<String> acceptedArgs() { return Set.of("base", "mangled"); }

    @Override
    public Set<TableKind> needs(List<String> args) {
        return Set.of(TableKind.KERNEL, TableKind.MEMCPY, TableKind.MEMSET);
    }

    @Override public boolean needsLaunchConfig(List<String> args) { return true; }

    @Override
    public String missingData(Trace trace) {
        return trace.kernels().present() || trace.memcpys().present() || trace.memsets().present() ? null
                : "does not contain GPU trace data.";
    }

    @Override
    public ResultTable compute(Trace trace, StatsContext ctx) {
        KernelTable k = trace.kernels();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        TraceFilter f = ctx.filter();
        boolean all = f.isNone();
        int nk = k.size();
        int nc = mc.size();
        int[] sel = new int[nk + nc + ms.size()];
        int m = 0;
        for (int i = 0; i < nk; i++) {
            if (all || f.keepProcessRow(k.startNs(i), k.endNs(i), k.globalPid(i))) {
                sel[m++] = i;
            }
        }
        for (int i = 0; i < nc; i++) {
            if (all || f.keepProcessRow(mc.startNs(i), mc.endNs(i), mc.globalPid(i))) {
                sel[m++] = nk + i;
            }
        }
        for (int i = 0, n = ms.size(); i < n; i++) {
            if (all || f.keepProcessRow(ms.startNs(i), ms.endNs(i), ms.globalPid(i))) {
                sel[m++] = nk + nc + i;
            }
        }
        long[] start = new long[m];
        for (int x = 0; x < m; x++) {
            int v = sel[x];
            start[x] = v < nk ? k.startNs(v) : v < nk + nc ? mc.startNs(v - nk) : ms.startNs(v - nk - nc);
        }
        // positions are already in kernels/memcpy/memset table order, so a stable sort keeps that for ties
        int[] order = PrimitiveSort.sortIndices(PrimitiveSort.identity(m), (a, b) -> Long.compare(start[a], start[b]));
        Map<Integer, String> gpuNames = new HashMap<>();
        for (GpuDevice d : trace.devices()) {
            gpuNames.putIfAbsent(d.id(), d.name());
        }
        DeviceLabels devices = new DeviceLabels(gpuNames);
        KernelNames names = new KernelNames(k, ctx);
        NamingPolicy naming = ReportText.naming(ctx, trace);
        String[] copyNames = new String[256];
        List<Object[]> rows = new ArrayList<>(m);
        for (int x : order) {
            int v = sel[x];
            Object[] row = new Object[21];
            if (v < nk) {
                long dur = k.durationNs(v);
                row[0] = k.startNs(v);
                row[1] = dur;
                row[2] = (long) k.correlationId(v);
                row[3] = (long) k.gridX(v);
                row[4] = (long) k.gridY(v);
                row[5] = (long) k.gridZ(v);
                row[6] = (long) k.blockX(v);
                row[7] = (long) k.blockY(v);
                row[8] = (long) k.blockZ(v);
                row[9] = (long) k.registersPerThread(v);
                row[10] = (long) k.staticSharedMemoryBytes(v);
                row[11] = (long) k.dynamicSharedMemoryBytes(v);
                row[16] = devices.label(k.deviceId(v));
                row[17] = (long) k.contextId(v);
                row[19] = (long) k.streamId(v);
                row[20] = trace.string(names.nameId(v));
            } else if (v < nk + nc) {
                int i = v - nk;
                long dur = mc.durationNs(i);
                row[0] = mc.startNs(i);
                row[1] = dur;
                row[2] = (long) mc.correlationId(i);
                row[12] = mc.bytes(i);
                row[13] = throughput(mc.bytes(i), dur);
                row[14] = memKind(mc.srcKind(i));
                row[15] = memKind(mc.dstKind(i));
                row[16] = devices.label(mc.deviceId(i));
                row[17] = (long) mc.contextId(i);
                row[19] = (long) mc.streamId(i);
                int kind = mc.copyKind(i) & 0xFF;
                if (copyNames[kind] == null) {
                    String nm = naming.memcpyName(mc.copyKind(i));
                    copyNames[kind] = nm == null ? "" : nm;
                }
                row[20] = copyNames[kind].isEmpty() ? null : copyNames[kind];
            } else {
                int i = v - nk - nc;
                long dur = ms.durationNs(i);
                row[0] = ms.startNs(i);
                row[1] = dur;
                row[2] = (long) ms.correlationId(i);
                row[12] = ms.bytes(i);
                row[13] = throughput(ms.bytes(i), dur);
                row[14] = memKind(ms.memKind(i));
                row[16] = devices.label(ms.deviceId(i));
                row[17] = (long) ms.contextId(i);
                row[19] = (long) ms.streamId(i);
                row[20] = NamingPolicy.MEMSET_NAME;
            }
            rows.add(row);
        }
        List<Column> cols = Arrays.asList(
                new Column("Start", Kind.TIMESTAMP),
                new Column("Duration", Kind.DURATION),
                new Column("CorrId", Kind.INTEGER),
                new Column("GrdX", Kind.INTEGER),
                new Column("GrdY", Kind.INTEGER),
                new Column("GrdZ", Kind.INTEGER),
                new Column("BlkX", Kind.INTEGER),
                new Column("BlkY", Kind.INTEGER),
                new Column("BlkZ", Kind.INTEGER),
                new Column("Reg/Trd", Kind.INTEGER),
                new Column("StcSMem", Kind.BYTES_MB),
                new Column("DymSMem", Kind.BYTES_MB),
                new Column("Bytes", Kind.BYTES_MB),
                new Column("Throughput", Kind.THROUGHPUT_MBPS),
                new Column("SrcMemKd", Kind.TEXT),
                new Column("DstMemKd", Kind.TEXT),
                new Column("Device", Kind.TEXT),
                new Column("Ctx", Kind.INTEGER),
                new Column("GreenCtx", Kind.INTEGER),
                new Column("Strm", Kind.INTEGER),
                new Column("Name", Kind.TEXT));
        return new ResultTable(name(), title(), cols, rows);
    }

    /**
     * nsys {@code bytes * (1000000000 / duration)} in SQLite arithmetic: integer division, NULL for a zero
     * duration, REAL when the product overflows 64 bits.
     */
    static Object throughput(long bytes, long durationNs) {
        if (durationNs == 0) {
            return null;
        }
        long perSecond = 1_000_000_000L / durationNs;
        long hi = Math.multiplyHigh(bytes, perSecond);
        long lo = bytes * perSecond;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (double) bytes * (double) perSecond;
    }

    private static String memKind(int id) {
        MemoryKind mk = MemoryKind.ofId(id);
        return mk == null ? null : mk.label();
    }

    /** {@code Device} cell text per device id, built once per id. */
    private static final class DeviceLabels {
        private final Map<Integer, String> names;
        private final Map<Integer, String> labels = new HashMap<>();
        private int lastId = Integer.MIN_VALUE;
        private String lastLabel;

        DeviceLabels(Map<Integer, String> names) {
            this.names = names;
        }

        String label(int deviceId) {
            if (deviceId != lastId) {
                lastId = deviceId;
                lastLabel = labels.computeIfAbsent(deviceId, id -> ReportText.device(names.get(id), id));
            }
            return lastLabel;
        }
    }
}
