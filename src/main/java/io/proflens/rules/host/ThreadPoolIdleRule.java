package io.proflens.rules.host;

import static io.proflens.rules.EvidenceFormat.count;
import static io.proflens.rules.EvidenceFormat.duration;
import static io.proflens.rules.EvidenceFormat.pct;

import io.proflens.analysis.osrt.OsRuntimeAnalysis;
import io.proflens.analysis.osrt.OsRuntimeAnalysis.ThreadUse;
import io.proflens.analysis.osrt.OsRuntimeAnalysis.WaitName;
import io.proflens.analysis.phases.PhaseSeries;
import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Rule;
import io.proflens.rules.RuleContext;
import io.proflens.rules.Threshold;
import io.proflens.rules.ThresholdValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The workers of a thread pool wait in the OS runtime instead of working ({@link OsRuntimeAnalysis}, nsys
 * {@code osrt_sum}). A pool is recognised by numbers, not names: at least {@code minThreads} threads (default 4)
 * call the same wait function, and at least {@code minThreads} threads spend at least {@code minWaitSharePct}
 * (default 50 %) of their OS runtime time in wait calls. Runtime helper threads — the CUDA driver's
 * {@code cuda-EvtHandlr} and {@code cuda<hex>} threads, {@code CUPTI worker thread}, nsys's {@code [NS]} threads —
 * are not counted as waiting workers: they wait by design. So one main thread blocked in {@code poll} while the GPU
 * works, or the profiler's own threads, are not a pool.
 *
 * <p>The summary names the wait function with the most time among those called by {@code minThreads} threads or
 * more. Sleep-polling ({@code nanosleep}, {@code clock_nanosleep}, {@code usleep}, {@code sleep},
 * {@code sched_yield}: workers wake up periodically to look for work) scores WARNING (50-74); blocking waits
 * (futex, condition variables, poll, ...: the pool is idle but costs no CPU) score INFO (25-49). More waiting threads
 * score higher within the band.
 *
 * <p><b>Recoverable</b>: the wall time the pool stood idle, estimated as the mean time a pool thread spent in the
 * pool's wait call ({@code totalNs / threads} of that call: the workers sleep side by side, so this is how long the
 * pool as a whole was asleep). It is CPU time of the pool, not GPU time: an idle pool wastes cores, wake-ups and the
 * latency to pick up work, and a smaller pool or bigger tasks give that capacity back — the run finishes sooner only
 * when the work was waiting for a worker. Without the lifetime of each thread the trace cannot tell which.
 */
public final class ThreadPoolIdleRule implements Rule {
    /** Wait functions that poll: the thread wakes up on a timer to check for work. */
    static final Set<String> SLEEP_POLLING = Set.of("nanosleep", "clock_nanosleep", "usleep", "sleep", "sched_yield");
    /** Runtime and profiler threads that wait by design. */
    private static final Pattern HELPER = Pattern.compile(
            "(?:CUPTI.*|cuda-EvtHandlr.*|cuda[0-9a-fA-F]{6,}|\\[NS.*\\].*)");
    private static final int NAMES = 5;
    private static final int THREADS = 3;

    @Override
    public String id() {
        return "host.threadpool-idle";
    }

    @Override
    public String title() {
        return "Idle thread pool";
    }

    @Override
    public String description() {
        return "OS runtime wait calls (nanosleep, futex, condition variables, poll ...) dominate the threads of a "
                + "pool: at least minThreads threads (default 4) wait in the same call and spend at least "
                + "minWaitSharePct (default 50%) of their OS runtime time waiting. Sleep-polling workers rate higher "
                + "than blocked ones. CUDA driver and profiler threads are left out.";
    }

    @Override
    public List<Threshold> thresholds() {
        return List.of(
                new Threshold("minWaitSharePct", "%", 50, "share of a thread's OS runtime time in wait calls",
                        "a worker that waits more than it works is idle"),
                new Threshold("minThreads", "count", 4, "threads waiting in the same call at least",
                        "fewer threads are a main thread and its helpers, not a pool"));
    }

    @Override
    public Finding evaluate(RuleContext ctx, ThresholdValues limits) {
        if (ctx.trace().osRuntime().size() == 0) {
            return Finding.notApplicable(this, "no OS runtime calls in the trace (nsys --trace=osrt)");
        }
        OsRuntimeAnalysis o = ctx.osRuntime();
        if (o.calls() == 0) {
            return Finding.notApplicable(this, "no OS runtime calls in the trace (nsys --trace=osrt)");
        }
        double minShare = limits.get("minWaitSharePct");
        long minThreads = limits.getLong("minThreads");
        List<Evidence> ev = new ArrayList<>();
        ev.add(new Evidence("OS runtime time in wait calls", pct(o.waitPct()) + " (" + duration(o.waitTimeNs())
                + " of " + duration(o.timeNs()) + ", " + count(o.waitCalls()) + " of " + count(o.calls())
                + " calls)"));
        for (WaitName w : o.waitNames().subList(0, Math.min(NAMES, o.waitNames().size()))) {
            ev.add(new Evidence(w.name(), plural(w.calls(), "call") + ", " + duration(w.totalNs()) + " (avg "
                    + duration(w.avgNs()) + ") on " + plural(w.threads(), "thread")
                    + perIteration(ctx, o, w)));
        }
        List<ThreadUse> waiting = o.threads().stream()
                .filter(t -> t.waitCalls() > 0 && t.waitPct() >= minShare && !isHelper(t.threadName())).toList();
        ev.add(new Evidence("threads mostly waiting", count(waiting.size()) + " of " + count(o.threads().size())
                + " threads spend " + pct(minShare) + " or more of their OS runtime time in wait calls"
                + " (CUDA driver and profiler threads left out)"));
        for (ThreadUse t : waiting.subList(0, Math.min(THREADS, waiting.size()))) {
            ev.add(new Evidence("waits most: " + (t.threadName() == null ? "tid " + t.tid()
                    : t.threadName() + " (tid " + t.tid() + ")"), duration(t.waitNs()) + " in "
                    + plural(t.waitCalls(), "wait call") + ", " + pct(t.waitPct()) + " of its OS runtime time"));
        }
        WaitName pool = o.waitNames().stream().filter(w -> w.threads() >= minThreads).findFirst().orElse(null);
        if (pool == null || waiting.size() < minThreads) {
            return Finding.ok(this, pool == null
                    ? "no wait call is shared by " + count(minThreads) + " or more threads"
                    : "only " + count(waiting.size()) + " thread(s) wait " + pct(minShare) + " or more of their OS "
                            + "runtime time (fewer than " + count(minThreads) + ")", ev);
        }
        boolean polling = SLEEP_POLLING.contains(pool.name().toLowerCase(Locale.ROOT));
        double score = (polling ? 50 : 25) + 24 * Math.min(1.0, waiting.size() / (4.0 * Math.max(1, minThreads)));
        String summary = pool.name() + " is " + duration(pool.totalNs()) + " over " + plural(pool.calls(), "call")
                + " (avg " + duration(pool.avgNs()) + ") on " + plural(pool.threads(), "thread") + ": the thread "
                + "pool's workers are idle-waiting" + (polling ? " (sleep-polling for work)" : " (blocked)");
        return Finding.of(this, score, summary, ev, List.of(),
                "The pool has more threads than work: size it to the available parallelism (cores, or the number of "
                        + "tasks in flight; e.g. torch.set_num_threads, OMP_NUM_THREADS, DataLoader num_workers), give "
                        + "workers bigger tasks (chunk the work so each task runs for milliseconds), and "
                        + (polling ? "block on a condition variable or queue instead of sleep-polling, so idle workers "
                                + "cost no wake-ups and pick up work at once."
                                : "check that the main thread produces work fast enough to keep them busy."),
                Math.round((double) pool.totalNs() / Math.max(1, pool.threads())));
    }

    /** @return ", 17,999.3 per iteration (10 × lora_grad_step)" when the iterations are known, else "" */
    private static String perIteration(RuleContext ctx, OsRuntimeAnalysis o, WaitName w) {
        if (o.iterations() == null) {
            return "";
        }
        PhaseSeries main = ctx.phases().mainIteration();
        return String.format(Locale.ROOT, ", %,.1f per iteration", (double) w.calls() / o.iterations()) + " ("
                + count(o.iterations()) + (main == null ? " iterations" : " × " + main.label()) + ")";
    }

    /** @return "1 call", "179,993 calls" */
    private static String plural(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /** @return whether a thread name is a CUDA driver, CUPTI or nsys helper thread */
    static boolean isHelper(String threadName) {
        return threadName != null && HELPER.matcher(threadName).matches();
    }
}
