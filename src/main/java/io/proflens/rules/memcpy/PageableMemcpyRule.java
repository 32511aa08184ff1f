package io.proflens.rules.memcpy;

import static io.proflens.rules.EvidenceFormat.bandwidth;
import static io.proflens.rules.EvidenceFormat.bytes;
import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.memory.MemoryTransferAnalysis;
import io.proflens.analysis.memory.MemoryTransferAnalysis.Direction;
import io.proflens.analysis.memory.MemoryTransferAnalysis.PageableAsyncCopy;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The nsys {@code cuda_memcpy_async} expert rule: asynchronous memcpy calls whose copy has a pageable host side. The
 * driver cannot DMA from pageable memory, so it stages the data through a pinned buffer and the "async" call returns
 * only when the copy is staged — it blocks the host and cannot overlap compute. The copies are those of
 * {@link MemoryTransferAnalysis#pageableAsync()}: nsys's predicate {@code cudaMemcpy%Async%}, plus proflens'
 * extension to the driver API ({@code cuMemcpy%Async%}, e.g. {@code cuMemcpyHtoDAsync_v2} of OpenMP offload
 * runtimes), which the evidence counts separately.
 *
 * <p>Fires with at least {@code minCount} such copies (default 1: nsys reports every one). The score grows with their
 * summed duration as a share of the GPU timeline ({@link io.proflens.analysis.gputime.GpuTimeBreakdown#totalNs()}):
 * INFO (30) for a negligible share, WARNING from about 3 %, CRITICAL from about 6.5 %.
 *
 * <p><b>Recoverable</b>: the summed duration of those copies — an upper bound, reached when pinned copies overlap
 * compute completely.
 */
public final class PageableMemcpyRule implements Rule {
    private static final int EXAMPLES = 3;

    @Override
    public String id() {
        return "memcpy.pageable";
    }

    @Override
    public String title() {
        return "Async copies from pageable host memory";
    }

    @Override
    public String description() {
        return "nsys cuda_memcpy_async: async memcpy API calls whose copy uses pageable host memory, so the driver "
                + "stages it and the call becomes synchronous. proflens also checks the driver API (cuMemcpy%Async%, "
                + "flagged as an extension). Fires with minCount copies or more (default 1, as nsys).";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("minCount", "count", 1, "pageable async copies at least",
                "nsys analyze cuda_memcpy_async reports every such copy"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (ctx.trace().memcpys().size() == 0) {
            return Finding.notApplicable(this, "no memory copies in the trace");
        }
        MemoryTransferAnalysis m = ctx.memoryTransfers();
        if (m.unlinkedCopies() == m.copies()) {
            return Finding.notApplicable(this, "no copy is matched to the API call that issued it (CUDA API trace "
                    + "missing)");
        }
        List<PageableAsyncCopy> p = m.pageableAsync();
        List<Evidence> ev = new ArrayList<>();
        long ruleNs = p.stream().filter(c -> !c.extension()).mapToLong(PageableAsyncCopy::durationNs).sum();
        long extNs = p.stream().filter(PageableAsyncCopy::extension).mapToLong(PageableAsyncCopy::durationNs).sum();
        ev.add(new Evidence("nsys cuda_memcpy_async (cudaMemcpy%Async%)", count(m.pageableAsyncRuleCount())
                + " copies, " + duration(ruleNs)));
        ev.add(new Evidence("driver API (cuMemcpy%Async%, proflens extension)", count(m.pageableAsyncExtensionCount())
                + " copies, " + duration(extNs)));
        for (Direction d : m.directions()) {
            if (d.pageableCount() > 0) {
                ev.add(new Evidence(d.name() + " with pageable host memory (any API)", count(d.pageableCount())
                        + " of " + count(d.count()) + " copies, " + bytes(d.pageableBytes())
                        + bw(" at ", d.pageableBytesPerSec())
                        + (d.pinnedCount() > 0 ? "; pinned copies" + bw(" reach ", d.pinnedBytesPerSec()) : "")));
            }
        }
        if (m.unlinkedCopies() > 0) {
            ev.add(new Evidence("copies without their API call", count(m.unlinkedCopies()) + " (not judged)"));
        }
        long minCount = limits.getLong("minCount");
        if (p.isEmpty() || p.size() < minCount) {
            return Finding.ok(this, p.isEmpty() ? "no async copy uses pageable host memory"
                    : count(p.size()) + " async cop" + (p.size() == 1 ? "y uses" : "ies use") + " pageable host memory "
                            + "(fewer than " + count(minCount) + ")", ev);
        }
        long total = ruleNs + extNs;
        long timeline = ctx.gpuTimeBreakdown().totalNs();
        double share = timeline == 0 ? 0 : 100.0 * total / timeline;
        ev.add(new Evidence("share of the GPU timeline", pct(share) + " (" + duration(total) + " of "
                + duration(timeline) + ")"));
        List<String> examples = new ArrayList<>();
        for (PageableAsyncCopy c : p.subList(0, Math.min(EXAMPLES, p.size()))) {
            examples.add(c.apiName() + " " + c.direction() + " " + bytes(c.bytes()) + " (" + c.srcKind() + " -> "
                    + c.dstKind() + "): " + duration(c.durationNs()) + " at " + c.startNs() + " ns (pid " + c.pid()
                    + ", GPU " + c.deviceId() + ", stream " + c.streamId() + ")");
        }
        double score = Math.min(100, 30 + 7 * share);
        String summary = count(p.size()) + (p.size() == 1 ? " async copy (" : " async copies (") + apiNames(p)
                + (p.size() == 1 ? ") uses" : ") use") + " pageable host memory: "
                + duration(total) + " in total (" + pct(share) + " of the GPU timeline); each is staged and blocks "
                + "the host" + (m.pageableAsyncExtensionCount() > 0 ? " (driver-API calls: proflens extension of nsys "
                + "cuda_memcpy_async)" : "");
        return Finding.of(this, score, summary, ev, examples,
                "Pin the host buffers so the copies are truly asynchronous: DataLoader(pin_memory=True) or "
                        + "tensor.pin_memory() with .to(device, non_blocking=True); cudaHostAlloc/cudaMallocHost for "
                        + "new buffers, cudaHostRegister for existing ones (driver API: cuMemHostAlloc, "
                        + "cuMemHostRegister); reuse the pinned buffers across steps.",
                total);
    }

    /** @return the recorded API names by number of copies, e.g. "cudaMemcpyAsync_v3020" or "a, b" (at most 3) */
    private static String apiNames(List<PageableAsyncCopy> p) {
        Map<String, Long> n = p.stream().collect(Collectors.groupingBy(c -> String.valueOf(c.apiName()),
                LinkedHashMap::new, Collectors.counting()));
        List<String> names = n.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        return String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : "");
    }

    private static String bw(String prefix, double bytesPerSec) {
        return Double.isNaN(bytesPerSec) ? "" : prefix + bandwidth(bytesPerSec);
    }
}
