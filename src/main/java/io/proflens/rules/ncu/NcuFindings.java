package io.proflens.rules.ncu;

import io.proflens.analysis.ncu.KernelEfficiency;
import io.proflens.analysis.ncu.NcuJoin;
import io.proflens.rules.Evidence;
import io.proflens.rules.EvidenceFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Shared wording and arithmetic of the ncu rules (how kernels are named, sized and ranked in findings). */
final class NcuFindings {
    /** Evidence lines per finding. */
    static final int MAX_EVIDENCE = 8;

    private NcuFindings() {
    }

    /** A kernel a rule flags: its score, recoverable time and the line that describes it. */
    record Hit(KernelEfficiency.Kernel kernel, double score, long recoverableNs, String text) {
    }

    /** @return the kernel's function name (clipped at 80 characters) and ncu ID */
    static String label(KernelEfficiency.Kernel k) {
        String n = NcuJoin.baseName(k.name());
        if (n.length() > 80) {
            n = n.substring(0, 79) + "…";
        }
        return n + " (ncu ID " + k.source().id() + ")";
    }

    /** @return the short function name for summaries */
    static String shortName(KernelEfficiency.Kernel k) {
        return NcuJoin.baseName(k.name());
    }

    /**
     * @return the time the kernel takes in the trace (total of its name, when joined), else its profiled duration,
     *         ns; 0 when unknown
     */
    static long timeNs(KernelEfficiency efficiency, KernelEfficiency.Kernel k, NcuJoin join) {
        if (join != null) {
            int idx = efficiency.kernels().indexOf(k);
            NcuJoin.Match m = join.forKernel(idx).orElse(null);
            if (m != null && m.matched() && m.traceTotalNs() > 0) {
                return m.traceTotalNs();
            }
        }
        return Math.max(0, k.durationNs());
    }

    /** @return "the trace's 1.23 ms over 40 launches" or "31.65 µs profiled" */
    static String timeText(KernelEfficiency efficiency, KernelEfficiency.Kernel k, NcuJoin join) {
        if (join != null) {
            NcuJoin.Match m = join.forKernel(efficiency.kernels().indexOf(k)).orElse(null);
            if (m != null && m.matched() && m.traceTotalNs() > 0) {
                return EvidenceFormat.duration(m.traceTotalNs()) + " over " + EvidenceFormat.count(m.traceInstances())
                        + " launches in the trace";
            }
        }
        if (k.durationNs() < 0) {
            return "duration unknown";
        }
        // ncu prints durations with two decimals ("31.65 usecond"): keep them below 1 ms
        return (k.durationNs() < 1_000_000 ? String.format(Locale.ROOT, "%.2f µs", k.durationNs() / 1e3)
                : EvidenceFormat.duration(k.durationNs())) + " profiled";
    }

    /** @return hits ordered by recoverable time, then score, then name and ID */
    static List<Hit> rank(List<Hit> hits) {
        List<Hit> l = new ArrayList<>(hits);
        l.sort(Comparator.comparingLong(Hit::recoverableNs).reversed()
                .thenComparing(Comparator.comparingDouble(Hit::score).reversed())
                .thenComparing(h -> h.kernel().name()).thenComparingLong(h -> h.kernel().source().id()));
        return l;
    }

    /** @return one evidence line per hit, at most {@link #MAX_EVIDENCE} */
    static List<Evidence> evidence(List<Hit> hits) {
        List<Evidence> ev = new ArrayList<>();
        for (Hit h : hits.subList(0, Math.min(MAX_EVIDENCE, hits.size()))) {
            ev.add(new Evidence(label(h.kernel()), h.text()));
        }
        if (hits.size() > MAX_EVIDENCE) {
            ev.add(new Evidence("more kernels", (hits.size() - MAX_EVIDENCE) + " not listed"));
        }
        return ev;
    }

    /** @return the sum of the hits' recoverable time */
    static long recoverable(List<Hit> hits) {
        return hits.stream().mapToLong(Hit::recoverableNs).sum();
    }

    /** @return bytes as ncu prints shared memory: decimal KB with two decimals, "13.82 KB" */
    static String kb(double bytes) {
        return String.format(Locale.ROOT, "%.2f KB", bytes / 1000);
    }

    /** @return "39.9%" */
    static String pct(double v) {
        return EvidenceFormat.pct(v);
    }

    /** @return a number with up to two decimals, "1.18" */
    static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** @return "shared memory (6 blocks/SM)" or "" when the limiter is unknown */
    static String limiterText(KernelEfficiency.Occupancy o) {
        return o.limiters().isEmpty() ? "" : o.limiterText() + " (" + o.blocksPerSm() + " blocks/SM)";
    }
}
