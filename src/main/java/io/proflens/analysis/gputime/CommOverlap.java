package io.proflens.analysis.gputime;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.KernelTable;
import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * How much of each rank's communication runs concurrently with computation, with the semantics of HTA
 * {@code get_comm_comp_overlap} (kineto-reference.md §3.5; HTA {@code hta/analyzers/communication_analysis.py}).
 *
 * <p>A rank is a (pid, device). Over its kernels (memcpys and memsets are in neither set, as in HTA, whose
 * COMPUTATION excludes {@code Memcpy}/{@code Memset} names): COMM = union of the communication kernels, COMP =
 * union of the compute kernels, i.e. kernels whose {@link io.proflens.analysis.classify.KernelCategory#isCompute()
 * category is compute} and that are not communication. Then
 * <pre>
 *   overlap % = |COMP ∩ COMM| / |COMM| × 100      (NaN when |COMM| = 0, as HTA)
 *   exposed communication = |COMM − COMP|
 * </pre>
 * Figures are exact ns; HTA rounds float timestamps to µs first ({@code ceil(ts)}, {@code floor(end)}) and rounds the
 * percentage to 2 decimals. On integer-µs traces the results are HTA's to the last digit; on float traces the µs
 * rounding alone moves the figure (ResNet DDP A100: 14.76 % here, 14.31 % in HTA; MI300X ResNet: 25.25 % vs
 * 22.45 %), because every short compute kernel inside a collective loses up to 2 µs in HTA. HTA decides "communication" by name ({@code ^nccl}, {@code ncclKernel}, {@code ^hip},
 * {@code ^hccl}); here the caller decides (e.g. with {@link KernelClassifier}), so results differ where the two
 * classifications do (e.g. custom all-reduce kernels, or ROCm {@code hip*} kernels HTA treats as communication).
 * HTA's default window drops the last ProfilerStep; use {@link #of(Trace, IntPredicate, KernelClassifier, long)}
 * with {@link IdleAttribution#htaWindowEndNs(Trace)} to reproduce it.
 *
 * @param ranks one row per (pid, device) that ran kernels, ordered by pid then device
 */
public record CommOverlap(List<Rank> ranks) {

    /** Copies the list. */
    public CommOverlap {
        ranks = List.copyOf(ranks);
    }

    /**
     * Overlap of one rank.
     *
     * @param pid             process id
     * @param deviceId        device id
     * @param communicationNs |COMM|, ns
     * @param computationNs   |COMP|, ns
     * @param overlapNs       |COMP ∩ COMM|, ns
     * @param exposedCommNs   |COMM − COMP| = communication − overlap, ns
     * @param overlapPct      overlap / communication × 100, unrounded; NaN when there is no communication
     */
    public record Rank(int pid, int deviceId, long communicationNs, long computationNs, long overlapNs,
                       long exposedCommNs, double overlapPct) {
    }

    /**
     * @param trace                       the trace
     * @param isCommunicationKernelNameId kernel demangled-name id → whether the kernel is communication
     * @return the overlap per rank, compute classified with {@link KernelClassifier#builtIn()}
     */
    public static CommOverlap of(Trace trace, IntPredicate isCommunicationKernelNameId) {
        return of(trace, isCommunicationKernelNameId, KernelClassifier.builtIn(), Long.MAX_VALUE);
    }

    /**
     * @param trace                       the trace
     * @param isCommunicationKernelNameId kernel demangled-name id → whether the kernel is communication
     * @param classifier                  decides which other kernels are compute
     * @param launchedBeforeNs            count only kernels whose launching call is in the trace and started
     *                                    before this time; {@link Long#MAX_VALUE} counts every kernel
     * @return the overlap per rank; empty when the trace has no kernels
     */
    public static CommOverlap of(Trace trace, IntPredicate isCommunicationKernelNameId, KernelClassifier classifier,
                                 long launchedBeforeNs) {
        GpuOps ops = GpuOps.of(trace, false, launchedBeforeNs);
        KernelTable k = trace.kernels();
        // per name id: 0 unknown, 1 communication, 2 compute, 3 neither
        byte[] role = new byte[Math.max(1, trace.strings().size())];
        int[] idx = ops.byDeviceThenStart();
        List<Rank> out = new ArrayList<>();
        for (int a = 0; a < idx.length; ) {
            int b = a + 1;
            while (b < idx.length && ops.sameDevice(idx[a], idx[b])) {
                b++;
            }
            Intervals comm = new Intervals();
            Intervals comp = new Intervals();
            boolean anyKernel = false;
            for (int j = a; j < b; j++) {
                int o = idx[j];
                if (ops.kind[o] != GpuOps.KERNEL) {
                    continue;
                }
                anyKernel = true;
                int r = role(k.demangledNameId(ops.row[o]), trace, isCommunicationKernelNameId, classifier, role);
                if (r == 1) {
                    comm.add(ops.startNs[o], ops.endNs[o]);
                } else if (r == 2) {
                    comp.add(ops.startNs[o], ops.endNs[o]);
                }
            }
            if (anyKernel) {
                long[] uComm = comm.union();
                long[] uComp = comp.union();
                long commNs = Intervals.length(uComm);
                long overlap = Intervals.overlap(uComm, uComp);
                out.add(new Rank(ops.pid[idx[a]], ops.deviceId[idx[a]], commNs, Intervals.length(uComp), overlap,
                        commNs - overlap, commNs == 0 ? Double.NaN : 100.0 * overlap / commNs));
            }
            a = b;
        }
        return new CommOverlap(out);
    }

    private static int role(int nameId, Trace trace, IntPredicate isComm, KernelClassifier classifier, byte[] cache) {
        if (nameId < 0 || nameId >= cache.length) {
            return roleOf(nameId, trace, isComm, classifier);
        }
        if (cache[nameId] == 0) {
            cache[nameId] = (byte) roleOf(nameId, trace, isComm, classifier);
        }
        return cache[nameId];
    }

    private static int roleOf(int nameId, Trace trace, IntPredicate isComm, KernelClassifier classifier) {
        if (isComm.test(nameId)) {
            return 1;
        }
        String name = trace.string(nameId);
        return classifier.classify(name == null ? "" : name).category().isCompute() ? 2 : 3;
    }

    /**
     * @return table {@code comm_overlap}: per rank communication, computation, overlap and exposed communication
     *         time and the overlap % (rounded to 0.1; empty when the rank has no communication)
     */
    public ResultTable toTable() {
        List<Column> cols = List.of(new Column("PID", Kind.INTEGER), new Column("Device ID", Kind.INTEGER),
                new Column("Communication", Kind.DURATION), new Column("Computation", Kind.DURATION),
                new Column("Overlap", Kind.DURATION), new Column("Exposed Communication", Kind.DURATION),
                new Column("Comm Overlapped", Kind.PERCENT));
        List<Object[]> rows = new ArrayList<>();
        for (Rank r : ranks) {
            rows.add(new Object[] {(long) r.pid(), (long) r.deviceId(), r.communicationNs(), r.computationNs(),
                r.overlapNs(), r.exposedCommNs(), Double.isNaN(r.overlapPct()) ? null : SummaryStats.round1(r.overlapPct())});
        }
        return new ResultTable("comm_overlap", "Communication / Computation Overlap per Rank (HTA)", cols, rows);
    }
}
