package io.proflens.analysis.gputime;

import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import java.util.function.IntPredicate;

/**
 * Where the GPU time of a trace goes, with TraceLens {@code gpu_timeline} semantics (kineto-reference.md §4.1):
 * GPU events are kernels, memcpys and memsets; communication kernels form COMM, memcpys MEMCPY, all other kernels
 * and memsets COMP; each set is merged across streams and devices, and
 * <pre>
 *   computation    = |COMP|
 *   exposed_comm   = |COMM − COMP|
 *   exposed_memcpy = |MEMCPY − COMP − COMM|
 *   busy           = |ALL|,  total = end of the last GPU event − start of the first,  idle = total − busy
 * </pre>
 * so {@code computation + exposedComm + exposedMemcpy + idle == total}. All figures are exact ns (TraceLens works
 * in float µs, so its figures differ from these in the last µs digits).
 *
 * @param events          GPU events counted
 * @param computationNs   |COMP|
 * @param exposedCommNs   |COMM − COMP|
 * @param exposedMemcpyNs |MEMCPY − COMP − COMM|
 * @param busyNs          |ALL|
 * @param idleNs          total − busy
 * @param totalNs         span of the counted GPU events
 * @param totalCommNs     |COMM|
 * @param totalMemcpyNs   |MEMCPY|
 */
public record GpuTimeBreakdown(int events, long computationNs, long exposedCommNs, long exposedMemcpyNs, long busyNs,
                               long idleNs, long totalNs, long totalCommNs, long totalMemcpyNs) {

    /**
     * @param trace          the trace
     * @param isCommunication kernel name id → whether it is a communication kernel
     * @param launchedOnly   count only GPU events whose launching API call is in the trace (TraceLens builds its
     *                       event tree from launches, so its timeline covers exactly those)
     * @return the breakdown; all zero when the trace has no GPU events
     */
    public static GpuTimeBreakdown of(Trace trace, IntPredicate isCommunication, boolean launchedOnly) {
        KernelTable k = trace.kernels();
        MemcpyTable mc = trace.memcpys();
        MemsetTable ms = trace.memsets();
        LaunchLinks links = launchedOnly ? trace.launchLinksOrCompute() : null;
        Intervals comp = new Intervals();
        Intervals comm = new Intervals();
        Intervals copy = new Intervals();
        int events = 0;
        for (int i = 0; i < k.size(); i++) {
            if (links != null && links.kernelApiRow(i) < 0) {
                continue;
            }
            events++;
            (isCommunication.test(k.demangledNameId(i)) ? comm : comp).add(k.startNs(i), k.endNs(i));
        }
        for (int i = 0; i < ms.size(); i++) {
            if (links != null && links.memsetApiRow(i) < 0) {
                continue;
            }
            events++;
            comp.add(ms.startNs(i), ms.endNs(i));
        }
        for (int i = 0; i < mc.size(); i++) {
            if (links != null && links.memcpyApiRow(i) < 0) {
                continue;
            }
            events++;
            copy.add(mc.startNs(i), mc.endNs(i));
        }
        long[] uComp = comp.union();
        long[] uComm = comm.union();
        long[] uCopy = copy.union();
        long[] uCompComm = Intervals.merge(uComp, uComm);
        long[] uAll = Intervals.merge(uCompComm, uCopy);
        long computation = Intervals.length(uComp);
        long totalComm = Intervals.length(uComm);
        long exposedComm = totalComm - Intervals.overlap(uComm, uComp);
        long totalMemcpy = Intervals.length(uCopy);
        long exposedMemcpy = totalMemcpy - Intervals.overlap(uCopy, uCompComm);
        long busy = Intervals.length(uAll);
        long total = uAll.length == 0 ? 0 : uAll[uAll.length - 1] - uAll[0];
        return new GpuTimeBreakdown(events, computation, exposedComm, exposedMemcpy, busy, total - busy, total, totalComm,
                totalMemcpy);
    }

    /**
     * @return the breakdown as a table (rows computation, exposed communication, exposed memcpy, idle, then busy
     *         and total; times in ns, percent of total)
     */
    public io.proflens.analysis.ResultTable toTable() {
        java.util.List<io.proflens.analysis.ResultTable.Column> cols = java.util.List.of(
                new io.proflens.analysis.ResultTable.Column("Type", io.proflens.analysis.ResultTable.Kind.TEXT),
                new io.proflens.analysis.ResultTable.Column("Time", io.proflens.analysis.ResultTable.Kind.DURATION),
                new io.proflens.analysis.ResultTable.Column("Share", io.proflens.analysis.ResultTable.Kind.PERCENT));
        java.util.List<Object[]> rows = new java.util.ArrayList<>();
        Object[][] parts = {{"computation", computationNs}, {"exposed communication", exposedCommNs},
            {"exposed memcpy", exposedMemcpyNs}, {"idle", idleNs}, {"busy (all GPU work)", busyNs},
            {"total (first to last GPU event)", totalNs}, {"communication incl. overlapped", totalCommNs},
            {"memcpy incl. overlapped", totalMemcpyNs}};
        for (Object[] p : parts) {
            long v = (Long) p[1];
            rows.add(new Object[] {p[0], v, totalNs == 0 ? 0.0
                    : io.proflens.analysis.stats.SummaryStats.percent(v, totalNs)});
        }
        return new io.proflens.analysis.ResultTable("gpu_time_breakdown", "GPU Time Breakdown", cols, rows);
    }
}
