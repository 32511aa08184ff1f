package io.proflens.analysis.gputime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.gputime.CommOverlap.Rank;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CommOverlap} against a hand-computed case and against HTA's {@code get_comm_comp_overlap} output
 * ({@code HTA_COMPUTED_reference*.txt}, HTA f4d0062c, default options, so the last ProfilerStep is excluded).
 */
class CommOverlapTest {

    static IntPredicate builtInComm(Trace t) {
        KernelClassifier c = KernelClassifier.builtIn();
        return id -> t.string(id) != null && c.classify(t.string(id)).category() == KernelCategory.COMMUNICATION;
    }

    @Test
    void overlapIsTheShareOfCommunicationCoveredByComputation() {
        GpuUtilizationTest.Synth s = new GpuUtilizationTest.Synth();
        // rank pid 1: comm [100,300) and [500,600); compute [200,400) and [250,260) (nested); a memcpy over all of
        // it counts for neither side. COMM = 300, COMP = 200, COMM ∩ COMP = [200,300) = 100 -> 33.3 %.
        s.kernel(1, 0, 20, 100, 300, "ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)", -1);
        s.kernel(1, 0, 20, 500, 600, "ncclDevKernel_Generic(ncclDevKernelArgsStorage<4096ul>)", -1);
        s.kernel(1, 0, 7, 200, 400, "volta_sgemm_128x64_nn", -1);
        s.kernel(1, 0, 8, 250, 260, "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>>", -1);
        s.memcpy(1, 0, 9, 0, 1000, -1);
        // rank pid 2: compute only
        s.kernel(2, 0, 7, 10, 20, "volta_sgemm_128x64_nn", -1);
        Trace t = s.build();
        CommOverlap o = CommOverlap.of(t, builtInComm(t));
        assertThat(o.ranks()).hasSize(2);
        Rank r = o.ranks().get(0);
        assertThat(r.communicationNs()).isEqualTo(300);
        assertThat(r.computationNs()).isEqualTo(200);
        assertThat(r.overlapNs()).isEqualTo(100);
        assertThat(r.exposedCommNs()).isEqualTo(200);
        assertThat(r.overlapPct()).isCloseTo(100.0 / 3, offset(1e-9));
        Rank none = o.ranks().get(1);
        assertThat(none.communicationNs()).isZero();
        assertThat(none.overlapPct()).isNaN();

        ResultTable table = o.toTable();
        assertThat(table.reportName()).isEqualTo("comm_overlap");
        assertThat(table.cell(0, 6)).isEqualTo(33.3);
        assertThat(table.cell(1, 6)).isNull();
    }

    /**
     * Integer-µs traces: HTA's percentage (2 decimals) is reproduced to its last digit. Our communication set is the
     * built-in classifier's COMMUNICATION category; on these traces it selects the same kernels as HTA's name regex.
     */
    @ParameterizedTest
    @CsvSource({
        "hta-trace-diff-torchrec-a100-vs-v100/HTA_COMPUTED_reference.txt, control.json.gz",
        "hta-trace-diff-torchrec-a100-vs-v100/HTA_COMPUTED_reference.txt, test.json.gz",
        "hta-sampled-ws128-encdec-fp8/HTA_COMPUTED_reference.txt, sampled_rank-0.json.gz",
        "hta-sampled-ws128-encdec-fp8/HTA_COMPUTED_reference.txt, sampled_rank-1.json.gz",
        "hta-df-index-resolver-v100-ddp2/HTA_COMPUTED_reference.txt, df_index_resolver.json.gz",
        "param-dlrm-v100-8rank/HTA_COMPUTED_reference.txt, worker0_step_12.1694128201545.pt.trace.json.gz",
        "param-dlrm-v100-8rank/HTA_COMPUTED_reference.txt, worker1_step_12.1694128201556.pt.trace.json.gz",
        "param-dlrm-v100-8rank/HTA_COMPUTED_reference.txt, worker2_step_12.1694128201554.pt.trace.json.gz",
        "param-dlrm-v100-8rank/HTA_COMPUTED_reference.txt, worker3_step_12.1694128201557.pt.trace.json.gz",
    })
    void reproducesHtaOnIntegerMicrosecondTraces(String reference, String file) {
        Path ref = TestData.root().resolve("kineto").resolve(reference);
        IdleAttributionTest.HtaReference.Run run = IdleAttributionTest.HtaReference.runFor(ref, file);
        double expected = run.overlapPct().get(run.rankOf(file));
        Trace t = TestData.load(ref.getParent().resolve(file));
        CommOverlap o = CommOverlap.of(t, builtInComm(t), KernelClassifier.builtIn(), IdleAttribution.htaWindowEndNs(t));
        assertThat(o.ranks()).hasSize(1);
        Rank r = o.ranks().get(0);
        assertThat(r.overlapPct()).isCloseTo(expected, offset(0.005 + 1e-9));
        assertThat(r.exposedCommNs()).isEqualTo(r.communicationNs() - r.overlapNs());
    }

    /**
     * Float-timestamp traces: proflens's exact-ns figure differs from HTA's (ResNet DDP A100: 14.76 % vs 14.31 %;
     * MI300X ResNet: 25.25 % vs 22.45 %). An independent re-computation in this test with HTA's rounding of every
     * kernel to {@code [ceil(ts), floor(ts + dur)]} µs and HTA's name rules reproduces HTA's figure, and the same
     * re-computation without rounding reproduces proflens's figure — so the whole difference is HTA's µs rounding
     * (hundreds of short compute kernels inside each collective each lose up to 2 µs), not a difference of
     * definition. On the MI300X trace HTA's COMMUNICATION regex ({@code ^nccl}, {@code ncclKernel}, {@code ^hip},
     * {@code ^hccl}) and the built-in classifier also pick the same kernels ({@code ncclDevKernel_Generic}).
     */
    @ParameterizedTest
    @CsvSource({
        "hta-resnet-ddp-a100-ws2-nccl-args/HTA_COMPUTED_reference.txt, nccl_data.json.gz",
        "tl-mi300x-resnet-ddp8-act-checkpoint/HTA_COMPUTED_reference.txt, resnet_act_checkpoint.json.gz",
    })
    void differsFromHtaOnFloatTracesOnlyByHtaMicrosecondRounding(String reference, String file) {
        Path ref = TestData.root().resolve("kineto").resolve(reference);
        IdleAttributionTest.HtaReference.Run run = IdleAttributionTest.HtaReference.runFor(ref, file);
        double expected = run.overlapPct().get(run.rankOf(file));
        Trace t = TestData.load(ref.getParent().resolve(file));
        long window = IdleAttribution.htaWindowEndNs(t);
        IntPredicate htaComm = htaCommunication(t);
        CommOverlap o = CommOverlap.of(t, htaComm, KernelClassifier.builtIn(), window);
        assertThat(o.ranks()).hasSize(1);
        double ours = o.ranks().get(0).overlapPct();

        assertThat(htaOverlapPct(t, window, true)).isCloseTo(expected, offset(0.005 + 1e-9));
        assertThat(ours).isCloseTo(htaOverlapPct(t, window, false), offset(1e-9));
        assertThat(Math.abs(ours - expected)).isGreaterThan(0.1); // the rounding effect is real on these traces
        // the built-in classifier gives the same figure as HTA's regex here
        assertThat(CommOverlap.of(t, builtInComm(t), KernelClassifier.builtIn(), window).ranks().get(0).overlapPct())
                .isCloseTo(ours, offset(1e-9));
    }

    private static final Pattern HTA_COMM = Pattern.compile("(^nccl.*)|(^hip)|(^hccl)|(.*ncclKernel.*)");
    private static final Pattern HTA_NON_COMPUTE = Pattern.compile("(^nccl)|(.*Memcpy)|(.*Memset)|(.*dma)|(^.*Sync)"
            + "|(^Stream Wait Event)|(cuda.*LaunchKernel)|(^runFunction)|(^hip)|(^job_exe)|(^packet)|(^pe_exe)"
            + "|(^cpum_exe_subgraph)|(^hccl)|(^collective_subgraph_execution)");

    static IntPredicate htaCommunication(Trace t) {
        return id -> t.string(id) != null && HTA_COMM.matcher(t.string(id)).lookingAt();
    }

    /**
     * HTA's computation, re-implemented here: kernels of the window, optionally rounded to µs as HTA's parser does,
     * classified by HTA's regexes (Python {@code re.match} = anchored at the start = {@code lookingAt}), each class
     * merged ({@code ts > running max end} starts a new group), overlap / Σ merged communication lengths.
     */
    static double htaOverlapPct(Trace t, long window, boolean roundToMicros) {
        KernelTable k = t.kernels();
        LaunchLinks links = t.launchLinksOrCompute();
        List<long[]> comm = new ArrayList<>();
        List<long[]> comp = new ArrayList<>();
        for (int i = 0; i < k.size(); i++) {
            if (!k.hasEnd(i)) {
                continue;
            }
            if (window != Long.MAX_VALUE) {
                int api = links.kernelApiRow(i);
                if (api < 0 || t.cudaApi().startNs(api) >= window) {
                    continue;
                }
            }
            long s = k.startNs(i);
            long e = k.endNs(i);
            if (roundToMicros) {
                s = Math.floorDiv(s + 999, 1000) * 1000;
                e = Math.floorDiv(e, 1000) * 1000;
            }
            String name = t.string(k.demangledNameId(i));
            if (HTA_COMM.matcher(name).lookingAt()) {
                comm.add(new long[] {s, e});
            } else if (!HTA_NON_COMPUTE.matcher(name).lookingAt()) {
                comp.add(new long[] {s, e});
            }
        }
        List<long[]> mComm = merge(comm);
        List<long[]> mComp = merge(comp);
        long commTotal = 0;
        for (long[] c : mComm) {
            commTotal += c[1] - c[0];
        }
        long overlap = 0;
        for (long[] a : mComm) {
            for (long[] b : mComp) {
                overlap += Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
            }
        }
        return 100.0 * overlap / commTotal;
    }

    private static List<long[]> merge(List<long[]> in) {
        in.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] iv : in) {
            if (!out.isEmpty() && iv[0] <= out.get(out.size() - 1)[1]) {
                long[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], iv[1]);
            } else {
                out.add(new long[] {iv[0], iv[1]});
            }
        }
        return out;
    }
}
