package io.proflens.rules.ncu;

import io.proflens.analysis.ncu.KernelEfficiency;
import io.proflens.analysis.ncu.NcuJoin;
import io.proflens.model.GpuDevice;
import io.proflens.model.Trace;
import io.proflens.model.ncu.NcuReport;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.ThresholdValues;

/**
 * A {@link Rule} that judges Nsight Compute data. The CLI stores the report in the context before the rules run with
 * {@code ctx.analysis(NcuRule.REPORT_KEY, () -> report)}; without it (no {@code --ncu} given) every ncu rule is not
 * applicable. When the trace has kernels, findings use the trace's total time of each kernel name (via
 * {@link NcuJoin}) to estimate recoverable time; otherwise the one profiled launch's duration.
 */
public interface NcuRule extends Rule {
    /** The {@link RuleContext#analysis} key under which the CLI stores the {@link NcuReport}. */
    String REPORT_KEY = "ncuReport";

    /**
     * Judges the kernels of an ncu report.
     *
     * @param efficiency the kernels' efficiency (see {@link KernelEfficiency#of(NcuReport, int)})
     * @param join       the kernels' trace totals, or null when there is no trace to join
     * @param limits     threshold values
     * @return the finding (never null)
     */
    Finding evaluate(KernelEfficiency efficiency, NcuJoin join, ThresholdValues limits);

    /** @return {@link #evaluate(KernelEfficiency, NcuJoin, ThresholdValues)} of {@code report}, without a trace */
    default Finding evaluate(NcuReport report, ThresholdValues limits) {
        if (report == null || report.kernels().isEmpty()) {
            return Finding.notApplicable(this, "no Nsight Compute data (give it with --ncu FILE)");
        }
        return evaluate(KernelEfficiency.of(report), null, limits);
    }

    @Override
    default Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        NcuReport r = ctx.analysis(REPORT_KEY, () -> null);
        if (r == null || r.kernels().isEmpty()) {
            return Finding.notApplicable(this, "no Nsight Compute data (give it with --ncu FILE)");
        }
        Trace t = ctx.trace();
        KernelEfficiency e = ctx.analysis("ncuEfficiency", () -> KernelEfficiency.of(r, smCountFromTrace(t, r)));
        NcuJoin j = t.kernels().size() == 0 ? null : ctx.analysis("ncuJoin", () -> NcuJoin.of(r, t));
        return evaluate(e, j, limits);
    }

    /**
     * @return the SM count of the trace's GPUs when every device with a known count has the same count and the same
     *         compute capability as the ncu kernels, else -1 (then waves need ncu's Launch Statistics)
     */
    static int smCountFromTrace(Trace t, NcuReport r) {
        int sms = -1;
        String cc = null;
        for (GpuDevice d : t.devices()) {
            if (d.smCount() == null || d.smCount() <= 0) {
                continue;
            }
            String dcc = d.computeMajor() == null ? null : d.computeMajor() + "." + d.computeMinor();
            if (sms > 0 && (sms != d.smCount() || !java.util.Objects.equals(cc, dcc))) {
                return -1;
            }
            sms = d.smCount();
            cc = dcc;
        }
        if (sms <= 0 || cc == null) {
            return -1;
        }
        for (var k : r.kernels()) {
            if (!k.computeCapability().isEmpty() && !k.computeCapability().equals(cc)) {
                return -1;
            }
        }
        return sms;
    }
}
