package io.proflens.analysis.phases;

import io.proflens.analysis.stats.SummaryStats;
import java.util.List;

/**
 * One repeating range series: the occurrences of one {@link PhaseKey} on one thread (so ranks and threads are
 * separate series; {@link #pid()} and {@link #tid()} say which), at least two, none overlapping another.
 *
 * <p>Warm-up: the first {@code w = min(warmupMaxIterations, count / 2)} occurrences are candidates (a "warm-up"
 * longer than half the series is no warm-up); the steady-state median is the median duration of occurrences
 * {@code w..count-1}; a candidate whose duration exceeds {@code warmupFactor ×} that median is flagged. The steady
 * mean is the mean over all occurrences that are not flagged. With {@code w == 0} the steady median is the median
 * of all occurrences.
 *
 * @param key            the phase key
 * @param globalTid      thread of the ranges (start thread for start/end ranges)
 * @param pid            process id of that thread
 * @param tid            thread id
 * @param role           role by name ({@link PhaseNames#role})
 * @param minDepth       smallest push/pop nesting depth among the occurrences (0 = root)
 * @param outermost      whether no occurrence is nested (by push/pop nesting) inside an occurrence of another
 *                       repeating series
 * @param stats          duration statistics over all occurrences, ns (sample stddev, see {@link SummaryStats})
 * @param sharePct       total as percent of the trace span (first to last event of any table), 0-100
 * @param steadyMedianNs median of the steady-state occurrences, ns
 * @param steadyMeanNs   mean of the occurrences not flagged as warm-up, ns
 * @param warmup         warm-up outliers in time order (empty when none)
 * @param gpuProjected   whether {@link #occurrences()} carry the GPU projection (the main iteration key, its direct
 *                       child keys on its thread, and series with a forward/backward/optimizer role are projected;
 *                       others are not, to bound the cost on traces with hundreds of thousands of ranges)
 * @param occurrences    all occurrences in time order
 * @param gpuGaps        GPU gaps between consecutive occurrences, or {@code null} when not projected or no
 *                       consecutive pair has GPU work on both sides
 * @param operatorLevel  the ranges are operators, not program phases: {@link PhaseNames#isOperatorLevel} of the
 *                       key, or PyTorch {@code emit_nvtx} ranges (raw names carry {@code seq}/{@code op_id})
 */
public record PhaseSeries(PhaseKey key, long globalTid, int pid, int tid, PhaseRole role, int minDepth,
                          boolean outermost, SummaryStats stats, double sharePct, double steadyMedianNs,
                          double steadyMeanNs, List<WarmupOutlier> warmup, boolean gpuProjected,
                          List<PhaseOccurrence> occurrences, GpuGapStats gpuGaps, boolean operatorLevel) {
    /** Copies the lists (the analysis' own compact occurrence list is immutable and kept as is). */
    public PhaseSeries {
        warmup = List.copyOf(warmup);
        occurrences = occurrences instanceof OccurrenceList ? occurrences : List.copyOf(occurrences);
    }

    /** @return {@link PhaseKey#label()} */
    public String label() {
        return key.label();
    }

    /** @return number of occurrences */
    public int count() {
        return (int) stats.count();
    }

    /** @return total duration of all occurrences, ns */
    public long totalNs() {
        return stats.total();
    }

    /** @return mean duration, ns */
    public double meanNs() {
        return stats.mean();
    }
}
