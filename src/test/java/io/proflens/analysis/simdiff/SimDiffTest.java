package io.proflens.analysis.simdiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.analysis.ResultTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The issue's simulator diff: "mla −86 µs × 61 layers = −5.3 ms; low_latency_combine +18 µs × 58 = +1.04 ms; total
 * −4.68 ms", reconstructed with two more MoE/dense operators whose contributions make up the rest of the total.
 */
class SimDiffTest {
    /** A proflens-format table; comments, quoting and a missing layer count on purpose. */
    static final String SIM_CSV = """
            # simulator per-op table, µs per layer
            op,time_us,layers
            mla,214.0,61
            "low_latency_combine",60,58
            low_latency_dispatch,35.000,
            dense_mlp,76,3
            lm_head,55,1
            """;

    static List<MeasuredOperator> measured() {
        return List.of(
                new MeasuredOperator("MLA", 300_000.0, 61),
                new MeasuredOperator("Low-Latency Combine", 42_000.0, 0),  // layers from the simulator (58)
                new MeasuredOperator("low_latency_dispatch", 42_000.0, 58), // simulator has no layer count
                new MeasuredOperator("dense_mlp", 100_000.0, 3),
                new MeasuredOperator("moe_gate_topk", 9_000.0, 58));        // not in the simulator
    }

    @Test
    void reproducesTheIssueTotal() {
        SimDiff d = SimDiff.of(measured(), SimTable.parse(SIM_CSV, "sim.csv"));
        // independent: (−86 × 61) + (18 × 58) + (−7 × 58) + (−24 × 3) µs
        long expectedUs = -86 * 61 + 18 * 58 - 7 * 58 - 24 * 3;
        assertThat(expectedUs).isEqualTo(-4_680);
        assertThat(d.totalDiffNs()).isEqualTo(expectedUs * 1000);
        SimDiffRow mla = d.row("mla");
        assertThat(mla.diffNs()).isEqualTo(-86_000L);
        assertThat(mla.layers()).isEqualTo(61);
        assertThat(mla.diffTimesLayersNs()).isEqualTo(-5_246_000L); // "−5.3 ms"
        SimDiffRow combine = d.row("low_latency_combine");
        assertThat(combine.diffNs()).isEqualTo(18_000L);
        assertThat(combine.diffTimesLayersNs()).isEqualTo(1_044_000L); // "+1.04 ms"
        assertThat(d.simTotalNs() - d.measuredTotalNs()).isEqualTo(d.totalDiffNs());
        assertThat(d.explanation()).startsWith("total diff (simulated − measured) -4.680 ms: mla -5.246 ms (-86 µs × 61), "
                + "low_latency_combine +1.044 ms (+18 µs × 58)");
    }

    @Test
    void topContributorsExplainMostOfTheDiff() {
        SimDiff d = SimDiff.of(measured(), SimTable.parse(SIM_CSV, "sim.csv"));
        // |contributions| 5246, 1044, 406, 72 µs: mla alone is 77.5% < 80%, with combine 92.9%
        assertThat(d.topContributors()).extracting(SimDiffRow::key).containsExactly("mla", "low_latency_combine");
        assertThat(d.topExplainedPct()).isEqualTo(Math.round(1000.0 * (5246 + 1044) / 6768) / 10.0);
        assertThat(d.row("mla").sharePct()).isEqualTo(Math.round(1000.0 * 5246 / 6768) / 10.0);
        assertThat(d.rows()).extracting(SimDiffRow::key).containsExactly("mla", "low_latency_combine",
                "low_latency_dispatch", "dense_mlp", "moe_gate_topk", "lm_head");
        assertThat(d.row("moe_gate_topk").diffNs()).isNull();
        assertThat(d.row("lm_head").measuredNs()).isNull();
    }

    @Test
    void diffOfATableWithItselfIsZero() {
        SimTable sim = SimTable.parse(SIM_CSV, "sim.csv");
        List<MeasuredOperator> same = sim.operators().stream()
                .map(o -> new MeasuredOperator(o.name(), o.timeUs() * 1000, o.layers() == null ? 0 : o.layers())).toList();
        SimDiff d = SimDiff.of(same, sim);
        assertThat(d.totalDiffNs()).isZero();
        assertThat(d.topContributors()).isEmpty();
        assertThat(d.matchedRows()).hasSize(5).allSatisfy(r -> assertThat(r.diffNs()).isZero());
    }

    @Test
    void aliasesAndSummedNames() {
        SimTable sim = SimTable.parse("op,time_us,layers\nattn_pre_proj,50,32\n", "s.csv");
        SimDiff d = SimDiff.of(List.of(new MeasuredOperator("q_proj", 20_000, 32), new MeasuredOperator("kv_proj", 25_000, 32)),
                sim, SimDiff.Options.defaults().withAliases(Map.of("q_proj", "attn_pre_proj", "kv_proj", "attn_pre_proj")));
        assertThat(d.row("attn_pre_proj").measuredNs()).isEqualTo(45_000L);
        assertThat(d.totalDiffNs()).isEqualTo(5_000L * 32); // simulated 50 − measured 45 µs
        assertThat(d.notes()).anyMatch(n -> n.contains("q_proj + kv_proj summed"));
    }

    @Test
    void vidurOperationMetricsAdapter() {
        // as Vidur's MetricsStore writes operation_metrics.csv: Batch Id, then one column per operation, ms per layer
        String csv = "Batch Id,mlp_up_proj,mlp_activation,attn_prefill,attn_decode\n"
                + "0,0.1,0.02,,0.05\n"
                + "1,0.3,0.04,0.9,\n";
        SimTable sim = SimTable.parse(csv, "operation_metrics.csv");
        assertThat(sim.format()).isEqualTo(SimTable.FORMAT_VIDUR_OPERATIONS);
        assertThat(sim.byName().get("mlp_up_proj").timeUs()).isEqualTo(200.0);   // (0.1 + 0.3) / 2 ms
        assertThat(sim.byName().get("attn_prefill").timeUs()).isEqualTo(900.0);  // one batch with a value
        assertThat(sim.byName().get("attn_decode").timeUs()).isEqualTo(50.0);
        SimDiff d = SimDiff.of(List.of(new MeasuredOperator("vidur_mlp_up_proj", 210_000, 32),
                new MeasuredOperator("mlp_act", 25_000, 32)), sim);   // built-in alias mlp_act → mlp_activation
        assertThat(d.row("mlp_up_proj").diffTimesLayersNs()).isEqualTo(-10_000L * 32); // 200 − 210 µs
        assertThat(d.row("mlp_activation").diffNs()).isEqualTo(5_000L);                 // 30 − 25 µs
    }

    @Test
    void vidurProfilingAdapterNeedsARowWhenThereAreSeveral() {
        String csv = "num_tokens,n_head,time_stats.mlp_up_proj.mean,time_stats.mlp_up_proj.median,time_stats.mlp_act.mean\n"
                + "1,32,0.01,0.01,0.002\n512,32,0.2,0.19,0.03\n";
        SimTable sim = SimTable.parse(csv, "mlp.csv", "num_tokens=512");
        assertThat(sim.format()).isEqualTo(SimTable.FORMAT_VIDUR_PROFILING);
        assertThat(sim.byName().keySet()).containsExactly("mlp_up_proj", "mlp_act");
        assertThat(sim.byName().get("mlp_up_proj").timeUs()).isEqualTo(200.0);
        assertThatThrownBy(() -> SimTable.parse(csv, "mlp.csv")).hasMessageStartingWith("mlp.csv: 2 rows")
                .hasMessageContaining("num_tokens=512");
    }

    @Test
    void tablesCarryTheRows() {
        List<ResultTable> t = SimDiff.of(measured(), SimTable.parse(SIM_CSV, "sim.csv")).toTables();
        assertThat(t).extracting(ResultTable::reportName).containsExactly("simdiff_ops", "simdiff_summary");
        assertThat(t.get(0).size()).isEqualTo(6);
        assertThat(t.get(0).cell(0, 5)).isEqualTo(-5_246_000L);
        assertThat(t.get(1).cell(2, 1)).isEqualTo(-4_680_000L);
    }

    @Test
    void badTablesGiveOneLineMessages() {
        assertThatThrownBy(() -> SimTable.parse("name,us\nx,1\n", "a.csv")).hasMessageStartingWith("a.csv: line 1: not a "
                + "simulator table");
        assertThatThrownBy(() -> SimTable.parse("op,time_us\nx,fast\n", "a.csv"))
                .hasMessage("a.csv: line 2: time_us is not a number: 'fast'");
        assertThatThrownBy(() -> SimTable.parse("op,time_us\nx,1\nx,2\n", "a.csv")).hasMessage("a.csv: line 3: duplicate op 'x'");
        assertThatThrownBy(() -> SimTable.parse("op,time_us,layers\nx,1,2.5\n", "a.csv")).hasMessageContaining("layers must be");
        assertThatThrownBy(() -> SimTable.parse("\n\n", "a.csv")).hasMessageContaining("empty simulator table");
        assertThatThrownBy(() -> SimTable.parse("op,time_us\n", "a.csv")).hasMessageContaining("no operator rows");
        assertThatThrownBy(() -> SimTable.parse("op,time_us\n\"x,1\n", "a.csv")).hasMessageContaining("unterminated");
    }

    @Test
    void canonicalNames() {
        assertThat(SimDiff.canonical("  Low-Latency Combine ")).isEqualTo("low_latency_combine");
        assertThat(SimDiff.canonical("aten::mm")).isEqualTo("mm");
        assertThat(SimDiff.canonical("vidur_attn_decode")).isEqualTo("attn_decode");
    }
}
