package io.proflens.analysis.ncu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.proflens.analysis.ResultTable;
import io.proflens.ingest.ncu.NcuCsvFixtures;
import io.proflens.ingest.ncu.NcuCsvReader;
import io.proflens.model.ncu.NcuReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel efficiency against ncu's own rule texts (real files) and the figures quoted in issue 7 (generated CSV). */
class KernelEfficiencyTest {
    @TempDir
    Path tmp;

    @Test
    void realKernelsAgreeWithNcusOwnRuleTexts() throws Exception {
        NcuReport r = NcuCsvReader.read(NcuCsvFixtures.real(""));
        // RTX 5090: 170 SMs (NVIDIA GeForce RTX 5090 data sheet); the export has no Launch Statistics
        KernelEfficiency e = KernelEfficiency.of(r, 170);
        KernelEfficiency.Kernel k1 = e.kernels().get(0);
        // ncu TheoreticalOccupancy: "theoretical occupancy (16.7%) is limited by the number of required registers"
        assertThat(KernelEfficiency.ncuRules(k1, "TheoreticalOccupancy").get(0).description())
                .contains("limited by the number of required registers");
        assertThat(k1.occupancy().limiters()).containsExactly(KernelEfficiency.OccupancyLimiter.REGISTERS);
        assertThat(k1.occupancy().blocksPerSm()).isEqualTo(2);
        assertThat(k1.occupancy().gainPct()).isCloseTo((1 - 11.32 / 16.67) * 100, within(1e-9));
        // ncu SOLBottleneck: "resulting in only 0.7 full waves across all SMs"
        assertThat(KernelEfficiency.ncuRules(k1, "SOLBottleneck").get(0).description()).contains("0.7 full waves");
        assertThat(String.format(Locale.ROOT, "%.1f", k1.waves().waves())).isEqualTo("0.7");
        assertThat(k1.waves().waves()).isCloseTo(224.0 / (170 * 2), within(1e-12));
        assertThat(k1.waves().text()).isEqualTo("0 full waves + 224 blocks");
        // both throughputs below 60%: latency issues (ncu SOLBottleneck wording)
        assertThat(k1.bound()).isEqualTo(KernelEfficiency.Bound.LATENCY);
        assertThat(k1.durationNs()).isEqualTo(6750);

        KernelEfficiency.Kernel k2 = e.kernels().get(1);
        assertThat(k2.occupancy().limiters()).containsExactly(KernelEfficiency.OccupancyLimiter.REGISTERS);
        assertThat(k2.occupancy().blocksPerSm()).isEqualTo(4);
    }

    @Test
    void rooflinePointOnTheMemoryRoofEqualsNcusDramThroughput() throws Exception {
        NcuReport r = NcuCsvReader.read(NcuCsvFixtures.real("kernel_0002"));
        KernelEfficiency.Kernel k = KernelEfficiency.of(r).kernels().get(0);
        assertThat(k.roofline()).hasSize(1); // double precision achieved 0 FLOP/s: no point
        KernelEfficiency.RooflinePoint p = k.roofline().get(0);
        assertThat(p.precision()).isEqualTo("Single Precision");
        double flops = (475.67 + 2.97 + 0) * 2.01e9;
        assertThat(p.achievedFlopPerSec()).isCloseTo(flops, within(1.0));
        assertThat(p.arithmeticIntensity()).isCloseTo(flops / 958.09e9, within(1e-9));
        assertThat(p.peakFlopPerSec()).isCloseTo(43_520 * 2.01e9, within(1e3));
        assertThat(p.peakDramBytesPerSec()).isCloseTo(128 * 13.77e9, within(1e3));
        assertThat(p.bound()).isEqualTo(KernelEfficiency.Bound.MEMORY);
        // left of the ridge the roof is intensity × peak bandwidth, so % of roof = DRAM bandwidth / peak bandwidth,
        // which ncu prints as "DRAM Throughput" 54.36 %
        assertThat(p.pctOfRoof()).isCloseTo(54.36, within(0.05));
    }

    @Test
    void quotedGemmSnKernel() {
        NcuReport r = read();
        KernelEfficiency.Kernel k = KernelEfficiency.of(r).kernels().get(0);
        assertThat(k.name()).contains("gemmSN_TN");
        assertThat(k.durationNs()).isEqualTo(31_650);
        assertThat(k.computePct()).isEqualTo(79.04);
        assertThat(k.memoryPct()).isEqualTo(79.31);
        assertThat(k.bound()).isEqualTo(KernelEfficiency.Bound.BALANCED);
        assertThat(k.occupancy().achievedPct()).isEqualTo(39.9);
        assertThat(k.occupancy().theoreticalPct()).isEqualTo(50);
        assertThat(k.occupancy().limiters()).containsExactly(KernelEfficiency.OccupancyLimiter.SHARED_MEMORY);
        assertThat(k.launch().sharedMemoryPerBlockBytes()).isCloseTo(13_820, within(1e-6));
        KernelEfficiency.Waves w = k.waves();
        assertThat(w.blocksPerWave()).isEqualTo(82 * 6);
        assertThat(w.fullWaves()).isEqualTo(1);
        assertThat(w.partialWaveBlocks()).isEqualTo(579 - 82 * 6).isEqualTo(87);
        assertThat(w.text()).isEqualTo("1 full wave + 87 blocks");
        assertThat(w.partialWaveRuntimePct()).isEqualTo(50.0);
        assertThat(w.tailGainPct()).isCloseTo((2 - 579.0 / 492) / 2 * 100, within(1e-9));
        // ncu's printed "Waves Per SM" (1.18) agrees with the computed waves
        assertThat(w.ncuWavesPerSm()).isCloseTo(w.waves(), within(0.005));
    }

    @Test
    void quotedSgemmKernel() {
        KernelEfficiency.Kernel k = KernelEfficiency.of(read()).kernels().get(1);
        assertThat(k.name()).isEqualTo("ampere_sgemm_64x32_sliced1x4_tn");
        assertThat(k.occupancy().limiters()).containsExactly(KernelEfficiency.OccupancyLimiter.REGISTERS);
        assertThat(k.launch().registersPerThread()).isEqualTo(82);
        assertThat(k.launch().warpsPerBlock()).isEqualTo(8);
        assertThat(k.waves().waves()).isEqualTo(2.0);
        assertThat(k.waves().partialWaveBlocks()).isZero();
        assertThat(k.waves().tailGainPct()).isZero();
        assertThat(k.bound()).isEqualTo(KernelEfficiency.Bound.LATENCY);
    }

    @Test
    void tablesListKernelsLongestFirstAndKeepEveryMetric() {
        NcuReport r = read();
        List<ResultTable> t = KernelEfficiency.of(r).toTables();
        ResultTable kernels = t.get(0);
        assertThat(kernels.reportName()).isEqualTo("ncu_kernels");
        assertThat(kernels.size()).isEqualTo(2);
        assertThat((String) kernels.cell(0, kernels.columnIndex("Kernel"))).contains("gemmSN_TN");
        assertThat(kernels.cell(0, kernels.columnIndex("Duration"))).isEqualTo(31_650L);
        assertThat(kernels.cell(0, kernels.columnIndex("Occupancy Limiter"))).isEqualTo("shared memory");
        assertThat(kernels.cell(0, kernels.columnIndex("Shared Mem/Block (KB)"))).isEqualTo(13.82);
        assertThat(kernels.cell(0, kernels.columnIndex("Waves"))).isEqualTo("1 full wave + 87 blocks");
        assertThat(kernels.cell(1, kernels.columnIndex("Registers/Thread"))).isEqualTo(82L);
        ResultTable metrics = t.get(1);
        assertThat(metrics.reportName()).isEqualTo("ncu_metrics");
        assertThat(metrics.size()).isEqualTo(r.kernels().get(0).metrics().size() + r.kernels().get(1).metrics().size())
                .isEqualTo(29 + 21);
    }

    @Test
    void boundClassificationFollowsNcuThresholds() {
        assertThat(KernelEfficiency.classify(59.9, 10, 60, 10)).isEqualTo(KernelEfficiency.Bound.LATENCY);
        assertThat(KernelEfficiency.classify(85, 40, 60, 10)).isEqualTo(KernelEfficiency.Bound.COMPUTE);
        assertThat(KernelEfficiency.classify(40, 85, 60, 10)).isEqualTo(KernelEfficiency.Bound.MEMORY);
        assertThat(KernelEfficiency.classify(75, 80, 60, 10)).isEqualTo(KernelEfficiency.Bound.BALANCED);
        assertThat(KernelEfficiency.classify(Double.NaN, 80, 60, 10)).isEqualTo(KernelEfficiency.Bound.UNKNOWN);
    }

    private NcuReport read() {
        try {
            return NcuCsvReader.read(NcuCsvFixtures.writeQuotedKernels(tmp));
        } catch (io.proflens.ingest.ImportException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
