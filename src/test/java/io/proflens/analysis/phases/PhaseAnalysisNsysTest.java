package io.proflens.analysis.phases;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.GpuActivityTable;
import io.proflens.model.NvtxTable;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FastVideo nsys exports (PyTorch {@code emit_nvtx} ranges, two ranks in one file), checked against brute-force
 * recomputations written independently in this test: grouping by a plain regex over all NVTX rows, and the GPU
 * projection by scanning every GPU operation and joining it to its launch by (process, correlation id).
 */
class PhaseAnalysisNsysTest {
    private static final Pattern OP_IDS = Pattern.compile(",\\s*(?:seq|op_id)\\s*=\\s*\\d+");
    private static final Pattern COUNTER = Pattern.compile("([#_ ])\\d+$");

    @ParameterizedTest
    @ValueSource(strings = {"nsysai-fastvideo-train-h100x2-before/mfu_2gpu_before.sqlite",
        "nsysai-fastvideo-wan-infer-h100x2/h100_2gpu_1s.sqlite"})
    void seriesAndProjectionMatchBruteForce(String file) {
        Trace t = TestData.load(TestData.nsys(file));
        PhaseAnalysis a = PhaseAnalysis.of(t, PhaseOptions.defaults());
        NvtxTable n = t.nvtx();

        // brute-force grouping: key text + thread → durations in time order
        Map<String, List<long[]>> groups = new HashMap<>();
        for (int i = 0; i < n.size(); i++) {
            if ((!n.isPushPop(i) && !n.isStartEnd(i)) || !n.hasEnd(i) || t.string(n.textId(i)) == null) {
                continue;
            }
            String text = COUNTER.matcher(OP_IDS.matcher(t.string(n.textId(i))).replaceAll("")).replaceAll("$1N");
            String domain = t.string(n.domainNameId(i));
            String label = domain != null ? domain + ":" + text : n.domainId(i) != 0 ? "domain" + n.domainId(i) + ":" + text : text;
            groups.computeIfAbsent(label + "\u0000" + n.globalTid(i), k -> new ArrayList<>())
                    .add(new long[] {n.startNs(i), n.endNs(i)});
        }
        int repeating = 0;
        Map<String, long[]> expected = new HashMap<>();
        for (Map.Entry<String, List<long[]>> e : groups.entrySet()) {
            List<long[]> l = e.getValue();
            l.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
            boolean disjoint = l.size() >= 2;
            long total = 0;
            for (int j = 0; j < l.size(); j++) {
                disjoint &= j == 0 || l.get(j)[0] >= l.get(j - 1)[1];
                total += l.get(j)[1] - l.get(j)[0];
            }
            if (disjoint) {
                repeating++;
                expected.put(e.getKey(), new long[] {l.size(), total});
            }
        }
        assertThat(a.series()).hasSize(repeating);
        assertThat(repeating).isGreaterThan(10);
        for (PhaseSeries s : a.series()) {
            long[] exp = expected.get(s.label() + "\u0000" + s.globalTid());
            assertThat(exp).as(s.label()).isNotNull();
            assertThat(s.count()).isEqualTo(exp[0]);
            assertThat(s.totalNs()).isEqualTo(exp[1]);
            assertThat(s.label()).doesNotContain("op_id");
        }
        // two ranks: the main key has one series per process
        assertThat(a.iterations()).extracting(PhaseSeries::pid).doesNotHaveDuplicates().hasSize(2);

        // brute-force projection of every projected series
        ApiCallTable api = t.cudaApi();
        Map<String, Integer> launch = new HashMap<>();
        for (int r = 0; r < api.size(); r++) {
            if (api.correlationId(r) != 0) {
                launch.putIfAbsent(GlobalIds.processOf(api.globalTid(r)) + ":" + api.correlationId(r), r);
            }
        }
        List<long[]> ops = new ArrayList<>(); // start, end, api row
        for (GpuActivityTable g : List.<GpuActivityTable>of(t.memcpys(), t.memsets())) {
            addOps(g, launch, ops);
        }
        for (int i = 0; i < t.kernels().size(); i++) {
            Integer r = launch.get(t.kernels().globalPid(i) + ":" + t.kernels().correlationId(i));
            if (r != null) {
                ops.add(new long[] {t.kernels().startNs(i), t.kernels().endNs(i), r});
            }
        }
        int checked = 0;
        for (PhaseSeries s : a.series()) {
            if (!s.gpuProjected()) {
                continue;
            }
            for (PhaseOccurrence o : s.occurrences()) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                int count = 0;
                List<long[]> mine = new ArrayList<>();
                for (long[] op : ops) {
                    int r = (int) op[2];
                    if (api.globalTid(r) == s.globalTid() && api.startNs(r) >= o.startNs()
                            && api.startNs(r) < o.endNs()) {
                        min = Math.min(min, op[0]);
                        max = Math.max(max, op[1]);
                        count++;
                        mine.add(op);
                    }
                }
                assertThat(o.gpuOps()).isEqualTo(count);
                if (count > 0) {
                    assertThat(o.gpuStartNs()).isEqualTo(min);
                    assertThat(o.gpuEndNs()).isEqualTo(max);
                    assertThat(o.gpuBusyNs()).isEqualTo(unionLength(mine));
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(0);
    }

    private static void addOps(GpuActivityTable g, Map<String, Integer> launch, List<long[]> ops) {
        for (int i = 0; i < g.size(); i++) {
            Integer r = launch.get(g.globalPid(i) + ":" + g.correlationId(i));
            if (r != null) {
                ops.add(new long[] {g.startNs(i), g.endNs(i), r});
            }
        }
    }

    private static long unionLength(List<long[]> iv) {
        iv.sort((x, y) -> Long.compare(x[0], y[0]));
        long total = 0;
        long curS = Long.MIN_VALUE;
        long curE = Long.MIN_VALUE;
        for (long[] x : iv) {
            if (x[0] > curE) {
                total += Math.max(0, curE - curS);
                curS = x[0];
                curE = x[1];
            } else {
                curE = Math.max(curE, x[1]);
            }
        }
        return total + Math.max(0, curE - curS);
    }
}
