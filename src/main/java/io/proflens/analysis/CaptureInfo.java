package io.proflens.analysis;

import io.proflens.model.GlobalIds;
import io.proflens.model.GpuDevice;
import io.proflens.model.ImportIssue;
import io.proflens.model.IntervalTable;
import io.proflens.model.ProcessInfo;
import io.proflens.model.Trace;
import io.proflens.model.TraceMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a capture contains, for the header of {@code proflens analyze}: producer and version, the event span,
 * processes and threads that have events (and how many the capture lists), GPUs with names and whether
 * they ran work, row counts per table ({@code -1} when the source has no such table), import issues.
 *
 * @param metadata          producer metadata
 * @param spanStartNs       first event start, ns ({@code null} without events)
 * @param spanEndNs         last event end, ns ({@code null} without events)
 * @param processesListed   processes the capture lists
 * @param activeProcesses   processes with CUDA API, GPU, NVTX or OSRT events, ascending pid
 * @param threadsListed     threads the capture lists
 * @param activeThreads     threads with CUDA API, NVTX or OSRT events
 * @param devices           all GPUs described by the capture
 * @param activeDeviceIds   device ids that ran kernels, copies or sets
 * @param rowCounts         table label → rows, -1 when the table is absent; in model order
 * @param issues            import issues
 */
public record CaptureInfo(TraceMetadata metadata, Long spanStartNs, Long spanEndNs, int processesListed,
                          List<ProcessInfo> activeProcesses, int threadsListed, int activeThreads,
                          List<GpuDevice> devices, List<Integer> activeDeviceIds, Map<String, Integer> rowCounts,
                          List<ImportIssue> issues) {

    /** Computes the summary; one pass over each table. */
    public static CaptureInfo of(Trace t) {
        long[] span = t.spanNs();
        TreeSet<Long> pids = new TreeSet<>();
        TreeSet<Long> tids = new TreeSet<>();
        TreeSet<Integer> devs = new TreeSet<>();
        for (int i = 0; i < t.kernels().size(); i++) {
            pids.add(t.kernels().globalPid(i));
            devs.add(t.kernels().deviceId(i));
        }
        for (int i = 0; i < t.memcpys().size(); i++) {
            pids.add(t.memcpys().globalPid(i));
            devs.add(t.memcpys().deviceId(i));
        }
        for (int i = 0; i < t.memsets().size(); i++) {
            pids.add(t.memsets().globalPid(i));
            devs.add(t.memsets().deviceId(i));
        }
        for (int i = 0; i < t.cudaApi().size(); i++) {
            tids.add(t.cudaApi().globalTid(i));
        }
        for (int i = 0; i < t.nvtx().size(); i++) {
            tids.add(t.nvtx().globalTid(i));
        }
        for (int i = 0; i < t.osRuntime().size(); i++) {
            tids.add(t.osRuntime().globalTid(i));
        }
        for (Long tid : tids) {
            pids.add(GlobalIds.processOf(tid));
        }
        List<ProcessInfo> procs = new ArrayList<>();
        for (Long p : pids) {
            ProcessInfo pi = t.processes().get(p);
            procs.add(pi != null ? pi : new ProcessInfo(p, GlobalIds.pid(p), null));
        }
        procs.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        Map<String, Integer> rows = new LinkedHashMap<>();
        put(rows, "kernels", t.kernels());
        put(rows, "memcpy", t.memcpys());
        put(rows, "memset", t.memsets());
        put(rows, "CUDA API", t.cudaApi());
        put(rows, "sync", t.syncs());
        put(rows, "NVTX", t.nvtx());
        put(rows, "OS runtime", t.osRuntime());
        return new CaptureInfo(t.metadata(), span == null ? null : span[0], span == null ? null : span[1],
                t.processes().size(), List.copyOf(procs), t.threads().size(), tids.size(), t.devices(),
                List.copyOf(devs), rows, t.issues());
    }

    private static void put(Map<String, Integer> rows, String label, IntervalTable table) {
        rows.put(label, table.present() ? table.size() : -1);
    }
}
