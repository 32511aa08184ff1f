package io.proflens.rules.ncu;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.analysis.api.TestTraces;
import io.proflens.ingest.ImportException;
import io.proflens.ingest.ncu.NcuCsvFixtures;
import io.proflens.ingest.ncu.NcuCsvReader;
import io.proflens.model.StringTable;
import io.proflens.model.Trace;
import io.proflens.model.ncu.NcuReport;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.RuleTesting;
import io.proflens.rules.Severity;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ncu rules reproduce the expert sentences of issue 7 on a generated details CSV ({@link NcuCsvFixtures}), and
 * ncu's own verdicts on the real RTX 5090 exports. Expected numbers are recomputed here from the CSV's inputs.
 */
class NcuRulesTest {
    static final List<NcuRule> RULES = List.of(new OccupancyBelowTheoreticalRule(), new LowOccupancyRule(),
            new PartialWaveRule(), new LatencyBoundRule(), new ThroughputBalanceRule(), new RegisterPressureRule(),
            new SharedMemoryLimitRule());

    @TempDir
    Path tmp;

    private NcuReport quoted() throws ImportException {
        return NcuCsvReader.read(NcuCsvFixtures.writeQuotedKernels(tmp));
    }

    private static Finding eval(NcuRule r, NcuReport report) {
        return r.evaluate(report, ThresholdValues.defaults(r));
    }

    @Test
    void occupancyBelowTheoreticalQuotesTheGemmSnNumbersAndLimiter() throws Exception {
        Finding f = eval(new OccupancyBelowTheoreticalRule(), quoted());
        String text = RuleTesting.text(f);
        assertThat(f.severity().isProblem()).isTrue();
        assertThat(f.summary()).contains("gemmSN_TN").contains("39.9% vs theoretical 50.0%")
                .contains("shared memory (6 blocks/SM): 13.82 KB shared memory per block");
        // 1 - 39.9/50 = 20.2 % of 31.65 µs
        assertThat(f.summary()).contains("up to 20.2% of 31.65 µs profiled to gain");
        assertThat(text).contains("1 full wave + 87 blocks");
        assertThat(f.recoverableNs()).isEqualTo(Math.round(31_650 * (1 - 39.9 / 50)));
        // sgemm: 30.6 of 33.3 is 91.8 % of theoretical: within the 90 % default, not flagged
        assertThat(text).doesNotContain("ampere_sgemm");
        assertThat(f.summary()).startsWith("1 of 2 kernel(s)");
    }

    @Test
    void partialWaveNamesTheTailAndGridSizesThatFillWholeWaves() throws Exception {
        Finding f = eval(new PartialWaveRule(), quoted());
        long perWave = 82 * 6;
        double waves = 579.0 / perWave;
        assertThat(f.summary()).contains("1 full wave + 87 blocks").contains("579 blocks, 492 blocks per wave = 82 SMs × 6 blocks/SM")
                .contains("may take up to 50.0% of the runtime")
                .contains(String.format(java.util.Locale.ROOT, "gain up to %.1f%%", (2 - waves) / 2 * 100));
        // whole waves: 492 (1 wave) or 984 (2 waves); one wave for 579 blocks needs ceil(579/82) = 8 blocks/SM,
        // i.e. shared memory <= 102400/8 - 1020 bytes = 11.78 KB per block
        assertThat(f.recommendation()).contains("492 (1 wave").contains("984 (2 waves")
                .contains("with 8 blocks/SM (shared memory ≤ 11.78 KB per block)");
        assertThat(RuleTesting.text(f)).doesNotContain("ampere_sgemm"); // 328 = 2 × 164: whole waves
        assertThat(f.recoverableNs()).isEqualTo(Math.round(31_650 * (2 - waves) / 2));
    }

    @Test
    void sgemmIsReportedWithItsOccupancyAndRegisters() throws Exception {
        NcuReport r = quoted();
        Finding low = eval(new LowOccupancyRule(), r);
        assertThat(low.summary()).startsWith("2 of 2 kernel(s) below 60.0%");
        assertThat(RuleTesting.text(low)).contains("achieved occupancy 30.6% of a theoretical 33.3%, limited by "
                + "registers (2 blocks/SM), 82 registers per thread; compute 52.1%, memory 31.4% of peak (latency-bound)");
        Finding regs = eval(new RegisterPressureRule(), r);
        // 82 registers → 88 allocated × 256 threads = 22,528 per block: 2 blocks in 65,536; 3 blocks need
        // <= 65536 / (3 × 256) = 85.3 → 80 (multiple of 8), and give 3/2 × 33.3 % = 50.0 %
        assertThat(regs.summary()).contains("ampere_sgemm_64x32_sliced1x4_tn: 82 registers per thread × 256 threads "
                + "per block → 2 blocks/SM").contains("theoretical occupancy 33.3%, achieved 30.6%")
                .contains("≤ 80 registers per thread would allow 3 blocks/SM (theoretical 50.0%)");
        assertThat(RuleTesting.text(regs)).doesNotContain("gemmSN");
    }

    @Test
    void sharedMemoryLimitGivesTheBudgetForOneMoreBlock() throws Exception {
        Finding f = eval(new SharedMemoryLimitRule(), quoted());
        // 102400 / 7 = 14628 B, minus the 1020 B driver reserve = 13608 B = 13.61 KB; 7/6 × 50 % = 58.3 %
        assertThat(f.summary()).contains("13.82 KB shared memory per block (+1.02 KB driver reserve) of a 102.40 KB "
                + "carve-out → 6 blocks/SM").contains("≤ 13.61 KB per block would allow 7 blocks/SM (theoretical 58.3%)");
        assertThat(RuleTesting.text(f)).doesNotContain("ampere_sgemm");
    }

    @Test
    void throughputRulesSeparateTheBalancedGemmFromTheLatencyBoundSgemm() throws Exception {
        NcuReport r = quoted();
        Finding lat = eval(new LatencyBoundRule(), r);
        assertThat(lat.summary()).startsWith("1 of 2 kernel(s) latency-bound").contains("compute 52.1%, memory 31.4%");
        assertThat(RuleTesting.text(lat)).doesNotContain("gemmSN");
        assertThat(lat.recoverableNs()).isEqualTo(Math.round(18_210 * (1 - 52.10 / 60)));
        Finding bal = eval(new ThroughputBalanceRule(), r);
        assertThat(bal.severity()).isEqualTo(Severity.INFO);
        assertThat(bal.summary()).contains("gemmSN_TN").contains("compute and memory balanced: compute 79.0%, memory 79.3%");
    }

    @Test
    void realExportsGetNcusOwnVerdicts() throws Exception {
        NcuReport r = NcuCsvReader.read(NcuCsvFixtures.real(""));
        // ncu SOLBottleneck / IssueSlotUtilization: both kernels are far below 60 % of peak
        Finding lat = eval(new LatencyBoundRule(), r);
        assertThat(lat.summary()).startsWith("2 of 2 kernel(s) latency-bound");
        assertThat(RuleTesting.text(lat)).contains("compute 9.2%, memory 19.7% of peak; occupancy 11.3% of 16.7%; "
                + "0.14 eligible warps per scheduler, no eligible warp 87.9% of cycles");
        // ncu TheoreticalOccupancy: "limited by the number of required registers" for both
        Finding regs = eval(new RegisterPressureRule(), r);
        assertThat(regs.summary()).startsWith("2 of 2 kernel(s) limited by registers");
        // achieved 11.32 of 16.67 (67.9 %) is flagged, 15.23 of 16.67 (91.4 %) is not
        Finding below = eval(new OccupancyBelowTheoreticalRule(), r);
        assertThat(below.summary()).startsWith("1 of 2 kernel(s)").contains("11.3% vs theoretical 16.7%");
        // no Launch Statistics and no SM count: waves cannot be computed
        assertThat(eval(new PartialWaveRule(), r).severity()).isEqualTo(Severity.NOT_APPLICABLE);
        assertThat(eval(new SharedMemoryLimitRule(), r).severity()).isEqualTo(Severity.OK);
    }

    @Test
    void withoutNcuDataEveryRuleIsNotApplicableAndWithItTheContextPathWorks() throws Exception {
        TestTraces t = new TestTraces();
        int s = t.id(NcuCsvFixtures.SGEMM);
        for (int i = 0; i < 4; i++) {
            t.kernels.add(i * 1000L, i * 1000L + 20_000, 0, 1, 7, i, TestTraces.pid(), s, s, StringTable.NONE);
        }
        Trace trace = t.build();
        for (NcuRule rule : RULES) {
            Finding f = rule.evaluate(RuleContext.of(trace), ThresholdValues.defaults(rule));
            assertThat(f.severity()).as(rule.id()).isEqualTo(Severity.NOT_APPLICABLE);
        }
        NcuReport report = quoted();
        RuleContext ctx = RuleContext.of(trace);
        ctx.analysis(NcuRule.REPORT_KEY, () -> report);
        Finding lat = new LatencyBoundRule().evaluate(ctx, ThresholdValues.defaults(new LatencyBoundRule()));
        // joined to the trace: 4 launches × 20 µs of the sgemm instead of the one profiled launch
        assertThat(lat.summary()).contains("compute 52.1%");
        assertThat(lat.recoverableNs()).isEqualTo(Math.round(80_000 * (1 - 52.10 / 60)));
        for (NcuRule rule : RULES) {
            assertThat(rule.evaluate(ctx, ThresholdValues.defaults(rule)).severity()).as(rule.id())
                    .isNotEqualTo(Severity.NOT_APPLICABLE);
        }
    }

    @Test
    void thresholdsChangeTheVerdict() throws Exception {
        NcuReport r = quoted();
        OccupancyBelowTheoreticalRule rule = new OccupancyBelowTheoreticalRule();
        Finding strict = rule.evaluate(r, ThresholdValues.of(rule, java.util.Map.of("minAchievedOfTheoreticalPct", 95.0)));
        assertThat(strict.summary()).startsWith("2 of 2 kernel(s)");
        PartialWaveRule pw = new PartialWaveRule();
        assertThat(pw.evaluate(r, ThresholdValues.of(pw, java.util.Map.of("minTailGainPct", 50.0))).severity())
                .isEqualTo(Severity.OK);
    }

    @Test
    void declarationsAreWellFormed() {
        Set<String> ids = new HashSet<>();
        for (Rule r : RULES) {
            assertThat(ids.add(r.id())).isTrue();
            assertThat(r.id()).matches("ncu\\.[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(r.topic()).isEqualTo("ncu");
            assertThat(r.getClass().getPackageName()).isEqualTo("io.proflens.rules." + r.topic());
            assertThat(r.getClass().getSimpleName()).endsWith("Rule");
            assertThat(r.description()).hasSizeGreaterThan(60);
            assertThat(r.title()).isNotBlank();
            for (Threshold th : r.thresholds()) {
                assertThat(th.unit()).isNotBlank();
                assertThat(th.source()).isNotBlank();
            }
        }
    }
}
