package io.proflens.rules.memcpy;

import static io.proflens.rules.EvidenceFormat.bandwidth;
import static io.proflens.rules.EvidenceFormat.bytes;
import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;

import io.proflens.analysis.memory.MemoryTransferAnalysis;
import io.proflens.analysis.memory.MemoryTransferAnalysis.Direction;
import io.proflens.analysis.memory.MemoryTransferAnalysis.SizeBucket;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Many small copies between host and GPU. Per direction ({@code HtoD}, {@code DtoH}; device-to-device and
 * peer copies are not judged), the rule fires when there are at least {@code minCount} copies (default 100) and
 * their mean size is below {@code maxAvgKiB} (default 64 KiB). Below that size a copy's fixed cost — about 10 µs of
 * API call plus the DMA setup — dominates the time the bytes take on PCIe or NVLink-C2C, so a hundred such copies
 * cost about a millisecond of pure overhead.
 *
 * <p><b>Recoverable</b> (GPU copy time): for each flagged direction, its summed copy duration minus the time its
 * bytes would take at a reference bandwidth, never below 0. The reference is what large copies achieve on this
 * machine: the highest achieved bandwidth among the HtoD/DtoH size buckets of 1 MiB and more in the trace. When the
 * trace has no such copy, the reference is {@link #NOMINAL_LINK_BYTES_PER_SEC} (25 GB/s, practical pinned bandwidth
 * of PCIe 4.0 x16 — conservative for PCIe 5.0 and NVLink-C2C systems). The evidence names the reference used. The
 * host time of synchronous small copies (usually larger) is judged by {@code api.memcpy-share}.
 */
public final class SmallTransfersRule implements Rule {
    /** Reference bandwidth when the trace has no copy of 1 MiB or more, bytes/s. */
    public static final double NOMINAL_LINK_BYTES_PER_SEC = 25e9;

    /** The judged directions, in the order the summary names them. */
    private static final List<String> DIRECTIONS = List.of("HtoD", "DtoH");
    /** Index of the first size bucket that holds large copies (1 MiB and more). */
    private static final int LARGE_BUCKET = 3;

    @Override
    public String id() {
        return "memcpy.small-transfers";
    }

    @Override
    public String title() {
        return "Many small host-device copies";
    }

    @Override
    public String description() {
        return "Per direction (host-to-device, device-to-host): at least minCount copies (default 100) averaging "
                + "less than maxAvgKiB (default 64 KiB). Below that size the per-copy latency (~10 µs API call plus "
                + "DMA setup) dominates the transfer time on PCIe/NVLink-C2C: batch the copies into one.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minCount", "count", 100, "copies per direction at least",
                        "100 copies × ~10 µs fixed cost ≈ 1 ms of overhead"),
                new Threshold("maxAvgKiB", "KiB", 64, "mean copy size below which the fixed per-copy cost dominates",
                        "~10 µs per copy (API + DMA setup) versus 64 KiB at 6-25 GB/s (PCIe / NVLink-C2C)"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (ctx.trace().memcpys().size() == 0) {
            return Finding.notApplicable(this, "no memory copies in the trace");
        }
        MemoryTransferAnalysis m = ctx.memoryTransfers();
        long minCount = limits.getLong("minCount");
        double maxAvgBytes = limits.get("maxAvgKiB") * 1024;
        List<Direction> hostDevice = new ArrayList<>();
        for (String name : DIRECTIONS) {
            m.directions().stream().filter(d -> d.name().equals(name)).findFirst().ifPresent(hostDevice::add);
        }
        if (hostDevice.isEmpty()) {
            return Finding.ok(this, "no host-device copies (" + m.directions().stream()
                    .map(d -> count(d.count()) + " " + d.name()).collect(Collectors.joining(", ")) + ")", List.of());
        }
        List<Evidence> ev = new ArrayList<>();
        for (Direction d : hostDevice) {
            ev.add(new Evidence(d.name() + " copies", plural(d.count(), "copy") + ", " + bytes(d.bytes()) + ", avg "
                    + bytes(d.avgBytes()) + ", " + duration(d.timeNs()) + " on the GPU" + bw(d.bytesPerSec())));
        }
        List<Direction> flagged = hostDevice.stream()
                .filter(d -> d.count() >= minCount && d.avgBytes() < maxAvgBytes).toList();
        if (flagged.isEmpty()) {
            return Finding.ok(this, "no direction has " + count(minCount) + " or more copies averaging less than "
                    + bytes(maxAvgBytes), ev);
        }
        for (Direction d : flagged) {
            ev.add(new Evidence(d.name() + " sizes", m.histogram().stream()
                    .filter(b -> b.direction().equals(d.name()) && b.count() > 0)
                    .map(b -> b.label() + ": " + count(b.count()) + " (" + duration(b.timeNs()) + bw(b.bytesPerSec())
                            + ")")
                    .collect(Collectors.joining("; "))));
        }
        SizeBucket ref = referenceBucket(m);
        double refBytesPerSec = ref == null ? NOMINAL_LINK_BYTES_PER_SEC : ref.bytesPerSec();
        ev.add(new Evidence("reference bandwidth", ref == null
                ? bandwidth(refBytesPerSec) + " (nominal PCIe 4.0 x16: no host-device copy of 1 MiB or more)"
                : bandwidth(refBytesPerSec) + " (achieved by " + ref.direction() + " copies of " + ref.label() + ")"));
        if (m.syncMemcpyCalls() > 0) {
            ev.add(new Evidence("synchronous memcpy calls", plural(m.syncMemcpyCalls(), "call")
                    + " blocking the host for " + duration(m.syncMemcpyTimeNs())));
        }
        long recoverable = 0;
        long copies = 0;
        long copiedBytes = 0;
        for (Direction d : flagged) {
            recoverable += Math.max(0, Math.round(d.timeNs() - d.bytes() * 1e9 / refBytesPerSec));
            copies += d.count();
            copiedBytes += d.bytes();
        }
        double avg = (double) copiedBytes / copies;
        double score = Math.min(100, 50 + 10 * Math.log10((double) copies / flagged.size() / Math.max(1, minCount))
                + 10 * Math.max(0, 1 - avg / Math.max(1, maxAvgBytes)));
        return Finding.of(this, score, summary(flagged, avg), ev, List.of(),
                "Batch the copies: gather the small tensors into one pinned staging buffer (or one contiguous tensor) "
                        + "and copy it once; keep data that the GPU reuses resident on the device instead of copying "
                        + "it every step; issue the remaining copies with cudaMemcpyAsync (tensor.to(device, "
                        + "non_blocking=True) from pinned memory) on a side stream so they overlap compute.",
                recoverable);
    }

    /** "2,708 HtoD + 2,708 DtoH copies averaging 24 KiB: batch them", one average per direction when they differ. */
    private static String summary(List<Direction> flagged, double avg) {
        boolean sameAvg = flagged.stream().map(d -> bytes(d.avgBytes())).distinct().count() == 1;
        String what = sameAvg
                ? flagged.stream().map(d -> count(d.count()) + " " + d.name()).collect(Collectors.joining(" + "))
                        + " copies averaging " + bytes(avg)
                : flagged.stream()
                        .map(d -> count(d.count()) + " " + d.name() + " copies averaging " + bytes(d.avgBytes()))
                        .collect(Collectors.joining(" + "));
        return what + ": batch them";
    }

    /** @return the HtoD/DtoH bucket of 1 MiB or more with the highest achieved bandwidth, or null when none */
    private static SizeBucket referenceBucket(MemoryTransferAnalysis m) {
        SizeBucket best = null;
        for (SizeBucket b : m.histogram()) {
            if (DIRECTIONS.contains(b.direction()) && b.bucket() >= LARGE_BUCKET && b.count() > 0 && b.timeNs() > 0
                    && (best == null || b.bytesPerSec() > best.bytesPerSec())) {
                best = b;
            }
        }
        return best;
    }

    /** @return "1 copy", "2,708 copies", "5,416 calls" */
    private static String plural(long n, String noun) {
        return count(n) + " " + (n == 1 ? noun : noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies"
                : noun + "s");
    }

    private static String bw(double bytesPerSec) {
        return Double.isNaN(bytesPerSec) ? "" : ", " + bandwidth(bytesPerSec);
    }
}
