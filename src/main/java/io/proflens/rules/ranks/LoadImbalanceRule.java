package io.proflens.rules.ranks;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.classify.KernelCategory;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.model.GlobalIds;
import io.proflens.model.GpuActivityTable;
import io.proflens.model.KernelTable;
import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ranks do unequal GPU work: with collectives in every step, the fastest ranks wait for the slowest (a straggler),
 * so the job runs at the pace of the most loaded GPU.
 *
 * <p>Units compared: with two or more traces in {@link RuleContext#ranks()}, each rank (its GPU busy time is the
 * sum over its (pid, device) pairs of the union of the device's GPU operations); otherwise, in a single trace with
 * two or more (pid, device) pairs, each device. GPU operations are kernels, memcpys and memsets with an end and a
 * positive start (as {@code GpuUtilization}) <em>except communication kernels</em>: a rank that waits for a
 * straggler spends that wait inside its NCCL kernels, so counting them would make the waiting rank look loaded (on
 * the PARAM DLRM ranks, the least-loaded rank shows 9.5 ms of all-to-all wait). Communication time is reported as
 * evidence. Fires when {@code (max − min) / max} exceeds {@code maxImbalancePct} (default 10 %: HTA's straggler /
 * load-imbalance analysis compares per-rank kernel time and treats differences of a few percent as noise; 10 % is
 * the usual point where rebalancing data or experts pays off). The finding depends only on the list of ranks, not
 * on which rank's context evaluates it (ranks are labelled by their position in that list).
 *
 * <p>Score: 50 at the threshold, 100 at four times it. Recoverable: max − mean busy (the time the slowest unit
 * would lose if every unit carried the mean load).
 */
public final class LoadImbalanceRule implements Rule {
    @Override
    public String id() {
        return "ranks.load-imbalance";
    }

    @Override
    public String title() {
        return "GPU load imbalance across ranks";
    }

    @Override
    public String description() {
        return "Compares GPU busy time without communication (union of compute kernels, memcpys and memsets; NCCL "
                + "kernels are left out because a rank waiting for a straggler waits inside them) across the ranks "
                + "of a job, or across "
                + "the GPUs of one trace: (max - min) / max above maxImbalancePct (default 10%) means the less loaded "
                + "ranks wait for the most loaded one at every collective (HTA straggler / load-imbalance practice). "
                + "Names the kernels whose time differs most between the slowest and the fastest unit.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(new Threshold("maxImbalancePct", "%", 10, "(max - min) / max of per-rank GPU busy time",
                "HTA straggler / load-imbalance analysis practice"));
    }

    /**
     * One compared unit: a rank (all its devices) or one (pid, device) of a single trace.
     *
     * @param label        "rank 3" or "pid 144 GPU 0"
     * @param busyNs       union of its non-communication GPU operations (compute kernels, memcpys, memsets), ns
     * @param commNs       union of its communication kernels, ns
     * @param kernels      number of kernels
     * @param computeByName compute kernel time by demangled name: {total ns, launches}
     */
    private record Unit(String label, long busyNs, long commNs, long kernels, Map<String, long[]> computeByName) {
    }

    /** Per (pid, device) of one trace, in (pid, device) order. */
    private static List<Unit> devicesOf(Trace t, KernelClassifier classifier, String labelPrefix) {
        Map<Long, Intervals> busy = new TreeMap<>();
        Map<Long, Intervals> comm = new TreeMap<>();
        Map<Long, long[]> kernels = new TreeMap<>();
        Map<Long, Map<String, long[]>> byName = new TreeMap<>();
        Map<Integer, Boolean> isComm = new HashMap<>();
        KernelTable k = t.kernels();
        for (int i = 0; i < k.size(); i++) {
            if (!k.hasEnd(i) || k.startNs(i) <= 0) {
                continue;
            }
            long key = key(GlobalIds.pid(k.globalPid(i)), k.deviceId(i));
            int nameId = k.demangledNameId(i);
            String name = t.string(nameId);
            boolean c = isComm.computeIfAbsent(nameId, id -> classifier.classify(name == null ? "" : name)
                    .category() == KernelCategory.COMMUNICATION);
            kernels.computeIfAbsent(key, x -> new long[1])[0]++;
            busy.computeIfAbsent(key, x -> new Intervals());
            if (c) {
                comm.computeIfAbsent(key, x -> new Intervals()).add(k.startNs(i), k.endNs(i));
            } else {
                busy.get(key).add(k.startNs(i), k.endNs(i));
                long[] acc = byName.computeIfAbsent(key, x -> new HashMap<>())
                        .computeIfAbsent(name == null ? "?" : name, x -> new long[2]);
                acc[0] += k.endNs(i) - k.startNs(i);
                acc[1]++;
            }
        }
        for (GpuActivityTable a : List.of(t.memcpys(), t.memsets())) {
            for (int i = 0; i < a.size(); i++) {
                if (a.hasEnd(i) && a.startNs(i) > 0) {
                    busy.computeIfAbsent(key(GlobalIds.pid(a.globalPid(i)), a.deviceId(i)), x -> new Intervals())
                            .add(a.startNs(i), a.endNs(i));
                }
            }
        }
        List<Unit> out = new ArrayList<>();
        for (Map.Entry<Long, Intervals> e : busy.entrySet()) {
            long key = e.getKey();
            Intervals cm = comm.get(key);
            out.add(new Unit(labelPrefix + "pid " + (int) (key >> 32) + " GPU " + (int) key,
                    Intervals.length(e.getValue().union()), cm == null ? 0 : Intervals.length(cm.union()),
                    kernels.containsKey(key) ? kernels.get(key)[0] : 0, byName.getOrDefault(key, Map.of())));
        }
        return out;
    }

    private static long key(int pid, int deviceId) {
        return ((long) pid << 32) | (deviceId & 0xFFFFFFFFL);
    }

    /** A whole rank: the sum over its devices. */
    private static Unit rankOf(Trace t, KernelClassifier classifier, String label) {
        long busy = 0;
        long comm = 0;
        long kernels = 0;
        Map<String, long[]> byName = new HashMap<>();
        for (Unit u : devicesOf(t, classifier, "")) {
            busy += u.busyNs();
            comm += u.commNs();
            kernels += u.kernels();
            for (Map.Entry<String, long[]> e : u.computeByName().entrySet()) {
                long[] acc = byName.computeIfAbsent(e.getKey(), x -> new long[2]);
                acc[0] += e.getValue()[0];
                acc[1] += e.getValue()[1];
            }
        }
        return new Unit(label, busy, comm, kernels, byName);
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        List<Trace> ranks = ctx.ranks();
        List<Unit> units = new ArrayList<>();
        String what;
        if (ranks.size() >= 2) {
            what = "ranks";
            for (int r = 0; r < ranks.size(); r++) {
                Trace t = ranks.get(r);
                String label = "rank " + r;
                units.add(ctx.jobAnalysis("loadImbalance:rank" + r, () -> rankOf(t, ctx.classifier(), label)));
            }
        } else {
            what = "GPUs";
            units.addAll(ctx.analysis("loadImbalance:devices", () -> devicesOf(ctx.trace(), ctx.classifier(), "")));
            if (units.size() < 2) {
                return Finding.notApplicable(this, "a single GPU: load balance needs two or more ranks or GPUs");
            }
        }
        Unit slow = units.get(0);
        Unit fast = units.get(0);
        long sum = 0;
        for (Unit u : units) { // first of equals wins: deterministic by rank / (pid, device) order
            if (u.busyNs() > slow.busyNs()) {
                slow = u;
            }
            if (u.busyNs() < fast.busyNs()) {
                fast = u;
            }
            sum += u.busyNs();
        }
        if (slow.busyNs() == 0) {
            return Finding.notApplicable(this, "no GPU compute in any of the " + count(units.size()) + " " + what);
        }
        double mean = (double) sum / units.size();
        double imbalancePct = 100.0 * (slow.busyNs() - fast.busyNs()) / slow.busyNs();
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("most loaded", slow.label() + ": " + duration(slow.busyNs()) + " GPU busy without "
                + "communication, " + count(slow.kernels()) + " kernels, " + duration(slow.commNs())
                + " in communication kernels"));
        ev.add(new Evidence("least loaded", fast.label() + ": " + duration(fast.busyNs()) + " GPU busy without "
                + "communication, " + count(fast.kernels()) + " kernels, " + duration(fast.commNs())
                + " in communication kernels"));
        ev.add(new Evidence("mean", duration(mean) + " GPU busy over " + count(units.size()) + " " + what));
        StringBuilder all = new StringBuilder();
        for (Unit u : units) {
            all.append(all.length() == 0 ? "" : "; ").append(u.label()).append(' ').append(duration(u.busyNs()))
                    .append(" (").append(count(u.kernels())).append(" kernels, comm ").append(duration(u.commNs()))
                    .append(')');
        }
        ev.add(new Evidence("GPU busy per " + (ranks.size() >= 2 ? "rank" : "GPU"), all.toString()));
        List<String> examples = kernelDifferences(slow, fast);
        String summary = "GPU compute time differs by " + pct(imbalancePct) + " across " + count(units.size()) + " "
                + what + ": " + slow.label() + " " + duration(slow.busyNs()) + " vs " + fast.label() + " "
                + duration(fast.busyNs());
        double max = limits.get("maxImbalancePct");
        if (imbalancePct <= max) {
            return Finding.ok(this, summary + " (limit " + pct(max) + ")", ev);
        }
        double score = Math.min(100, 50 + 50 * (imbalancePct - max) / Math.max(1e-9, 3 * max));
        return Finding.of(this, score, summary, ev, examples,
                "Balance the work across ranks: equalize tokens rather than samples per rank (sequence-length "
                        + "bucketing, packing), rebalance MoE expert load (capacity factor, auxiliary balance loss, "
                        + "expert placement / redundant experts), re-split pipeline stages by measured time and shard "
                        + "embedding tables by cost, not count. Check the kernels listed: they carry the difference.",
                Math.round(slow.busyNs() - mean));
    }

    /** @return the 3 compute kernel names whose total time differs most between the two units (slow minus fast) */
    private static List<String> kernelDifferences(Unit slow, Unit fast) {
        Map<String, long[]> a = slow.computeByName();
        Map<String, long[]> b = fast.computeByName();
        Map<String, Long> diff = new HashMap<>();
        for (Map.Entry<String, long[]> e : a.entrySet()) {
            diff.put(e.getKey(), e.getValue()[0] - (b.containsKey(e.getKey()) ? b.get(e.getKey())[0] : 0));
        }
        for (Map.Entry<String, long[]> e : b.entrySet()) {
            diff.putIfAbsent(e.getKey(), -e.getValue()[0]);
        }
        List<String> out = new ArrayList<>();
        diff.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(e -> -Math.abs(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .limit(3)
                .forEach(e -> {
                    long[] x = a.getOrDefault(e.getKey(), new long[2]);
                    long[] y = b.getOrDefault(e.getKey(), new long[2]);
                    String n = e.getKey().length() > 120 ? e.getKey().substring(0, 117) + "..." : e.getKey();
                    out.add(n + ": " + duration(x[0]) + " (" + count(x[1]) + "×) on " + slow.label() + " vs "
                            + duration(y[0]) + " (" + count(y[1]) + "×) on " + fast.label());
                });
        return out;
    }
}
