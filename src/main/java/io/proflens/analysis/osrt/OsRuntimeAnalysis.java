package io.proflens.analysis.osrt;

import io.proflens.analysis.ResultTable;
import io.proflens.analysis.ResultTable.Column;
import io.proflens.analysis.ResultTable.Kind;
import io.proflens.analysis.api.NameIdClasses;
import io.proflens.analysis.stats.SummaryStats;
import io.proflens.model.ApiCallTable;
import io.proflens.model.GlobalIds;
import io.proflens.model.LongIntHashMap;
import io.proflens.model.ThreadInfo;
import io.proflens.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where host threads wait in the OS runtime: OS runtime calls ({@link Trace#osRuntime()}, nsys {@code OSRT_API})
 * split into WAIT calls — the thread sleeps or blocks until something happens — and WORK calls (I/O, memory
 * mapping, thread creation ...), with totals per wait function and per thread.
 *
 * <p>Rows are the calls of event class 27 ({@link ApiCallTable#CLASS_OS_RUNTIME}), as {@code osrt_sum} counts
 * them; the start/finish marker rows (classes 31/32) are left out. A name is classified by its base form
 * ({@link #baseName}): the glibc symbol version ({@code @GLIBC_2.3.2}), leading underscores ({@code __poll}) and a
 * {@code _time64}/{@code 64} suffix ({@code __clock_nanosleep_time64}, {@code sem_timedwait64}) are removed. The
 * WAIT list is {@link #WAIT_CALLS}: sleeps, multiplexed I/O waits, condition variables, futexes, semaphores,
 * joins, barriers and {@code sched_yield}. Not WAIT, although they can block: {@code read}/{@code write}/
 * {@code getc} and other I/O (the thread does I/O work), {@code ioctl} (driver calls, including the CUDA driver's
 * own waits), {@code pthread_mutex_lock} (nsys records only calls that took longer than its threshold, but an
 * uncontended lock is work) — so "wait" here means an explicit wait primitive.
 *
 * @param calls       OS runtime calls
 * @param timeNs      their summed duration, ns
 * @param waitCalls   WAIT calls
 * @param waitTimeNs  their summed duration, ns
 * @param iterations  iterations given by the caller for the per-iteration figures, {@code null} when not given
 * @param waitNames   per WAIT base name; total time descending, then name
 * @param threads     per thread with OS runtime calls; wait time descending, then total time descending, then
 *                    globalTid
 */
public record OsRuntimeAnalysis(long calls, long timeNs, long waitCalls, long waitTimeNs, Integer iterations,
                                List<WaitName> waitNames, List<ThreadUse> threads) {

    /** Base names classified as WAIT. */
    public static final List<String> WAIT_CALLS = List.of("nanosleep", "clock_nanosleep", "usleep", "sleep", "poll",
            "ppoll", "epoll_wait", "epoll_pwait", "epoll_pwait2", "select", "pselect", "pselect6", "pthread_cond_wait",
            "pthread_cond_timedwait", "pthread_cond_clockwait", "futex", "sem_wait", "sem_timedwait", "sem_clockwait",
            "pthread_join", "pthread_timedjoin_np", "pthread_barrier_wait", "sched_yield");

    private static final Set<String> WAIT = Set.copyOf(WAIT_CALLS);

    /**
     * Copies the lists (immutable).
     *
     * @throws IllegalArgumentException when {@code iterations} is not positive
     */
    public OsRuntimeAnalysis {
        waitNames = List.copyOf(waitNames);
        threads = List.copyOf(threads);
        if (iterations != null && iterations <= 0) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
    }

    /**
     * Calls of one WAIT function.
     *
     * @param name    base name
     * @param calls   calls
     * @param totalNs summed duration, ns
     * @param threads distinct threads that called it
     */
    public record WaitName(String name, long calls, long totalNs, int threads) {
        /** @return mean call duration, ns. */
        public double avgNs() {
            return calls == 0 ? Double.NaN : (double) totalNs / calls;
        }
    }

    /**
     * OS runtime use of one thread.
     *
     * @param globalTid  thread ({@link GlobalIds} layout)
     * @param pid        process id
     * @param tid        thread id
     * @param threadName name from {@link Trace#threads()}, {@code null} when unknown
     * @param calls      OS runtime calls
     * @param waitCalls  of those, WAIT calls
     * @param waitNs     summed duration of the WAIT calls, ns
     * @param workNs     summed duration of the other calls, ns
     */
    public record ThreadUse(long globalTid, int pid, int tid, String threadName, long calls, long waitCalls,
                            long waitNs, long workNs) {
        /** @return WAIT time as percent (0-100) of this thread's OS runtime time; 0 without time. */
        public double waitPct() {
            long t = waitNs + workNs;
            return t == 0 ? 0.0 : 100.0 * waitNs / t;
        }
    }

    /** @return WAIT time as percent (0-100) of all OS runtime time; 0 without time. */
    public double waitPct() {
        return timeNs == 0 ? 0.0 : 100.0 * waitTimeNs / timeNs;
    }

    /** @return {@code calls / iterations}, or {@code null} when no iteration count was given. */
    public Double callsPerIteration() {
        return iterations == null ? null : (double) calls / iterations;
    }

    /** @return {@code waitCalls / iterations}, or {@code null} when no iteration count was given. */
    public Double waitCallsPerIteration() {
        return iterations == null ? null : (double) waitCalls / iterations;
    }

    /** @return a thread's share (0-100) of all OS runtime time; 0 without time. */
    public double sharePct(ThreadUse t) {
        return timeNs == 0 ? 0.0 : 100.0 * (t.waitNs() + t.workNs()) / timeNs;
    }

    /**
     * @param recorded OS runtime function name as recorded
     * @return the base name used for classification (see the class comment); {@code null} for {@code null}
     */
    public static String baseName(String recorded) {
        if (recorded == null) {
            return null;
        }
        String s = recorded;
        int at = s.indexOf('@');
        if (at > 0) {
            s = s.substring(0, at);
        }
        int u = 0;
        while (u < s.length() - 1 && s.charAt(u) == '_') {
            u++;
        }
        s = s.substring(u);
        if (s.endsWith("_time64")) {
            s = s.substring(0, s.length() - "_time64".length());
        } else if (s.endsWith("64") && WAIT.contains(s.substring(0, s.length() - 2))) {
            s = s.substring(0, s.length() - 2);
        }
        return s;
    }

    /** @return whether the recorded name is a WAIT call. */
    public static boolean isWait(String recorded) {
        String b = baseName(recorded);
        return b != null && WAIT.contains(b.toLowerCase(Locale.ROOT));
    }

    /**
     * Computes the analysis; O(calls). Never throws on an imported trace (an absent table gives zeros).
     *
     * @param trace      the trace
     * @param iterations number of iterations of the profiled workload for per-iteration figures, or {@code null}
     * @return the analysis
     * @throws IllegalArgumentException when {@code iterations} is not positive
     */
    public static OsRuntimeAnalysis of(Trace trace, Integer iterations) {
        if (iterations != null && iterations <= 0) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        ApiCallTable os = trace.osRuntime();
        List<String> waitNames = new ArrayList<>();
        Map<String, Integer> waitIndex = new HashMap<>();
        // class 0 = WORK, 1 + i = WAIT name i
        NameIdClasses classes = new NameIdClasses(trace.strings(), s -> {
            if (!isWait(s)) {
                return 0;
            }
            String b = baseName(s).toLowerCase(Locale.ROOT);
            return 1 + waitIndex.computeIfAbsent(b, k -> {
                waitNames.add(k);
                return waitNames.size() - 1;
            });
        });
        LongIntHashMap threadIdx = new LongIntHashMap(64);
        long[] tids = new long[16];
        long[] tCalls = new long[16];
        long[] tWaitCalls = new long[16];
        long[] tWait = new long[16];
        long[] tWork = new long[16];
        int nThreads = 0;
        long[] wCalls = new long[8];
        long[] wTime = new long[8];
        LongIntHashMap nameThread = new LongIntHashMap(64);
        int[] wThreads = new int[8];
        long calls = 0;
        long time = 0;
        long waitCalls = 0;
        long waitTime = 0;
        for (int i = 0, n = os.size(); i < n; i++) {
            if (os.eventClass(i) != ApiCallTable.CLASS_OS_RUNTIME) {
                continue;
            }
            long d = os.hasEnd(i) ? os.durationNs(i) : 0;
            long gtid = os.globalTid(i);
            int t = threadIdx.putIfAbsent(gtid, nThreads);
            if (t < 0) {
                t = nThreads++;
                if (t == tids.length) {
                    int c = t * 2;
                    tids = Arrays.copyOf(tids, c);
                    tCalls = Arrays.copyOf(tCalls, c);
                    tWaitCalls = Arrays.copyOf(tWaitCalls, c);
                    tWait = Arrays.copyOf(tWait, c);
                    tWork = Arrays.copyOf(tWork, c);
                }
                tids[t] = gtid;
            }
            calls++;
            time += d;
            tCalls[t]++;
            int c = classes.classOf(os.nameId(i));
            if (c == 0) {
                tWork[t] += d;
                continue;
            }
            int w = c - 1;
            if (w >= wCalls.length) {
                int cap = Math.max(w + 1, wCalls.length * 2);
                wCalls = Arrays.copyOf(wCalls, cap);
                wTime = Arrays.copyOf(wTime, cap);
                wThreads = Arrays.copyOf(wThreads, cap);
            }
            waitCalls++;
            waitTime += d;
            tWaitCalls[t]++;
            tWait[t] += d;
            wCalls[w]++;
            wTime[w] += d;
            if (nameThread.putIfAbsent(((long) w << 32) | t, 0) < 0) {
                wThreads[w]++;
            }
        }
        List<WaitName> names = new ArrayList<>();
        for (int w = 0; w < waitNames.size(); w++) {
            if (w < wCalls.length && wCalls[w] > 0) {
                names.add(new WaitName(waitNames.get(w), wCalls[w], wTime[w], wThreads[w]));
            }
        }
        names.sort(Comparator.comparingLong(WaitName::totalNs).reversed().thenComparing(WaitName::name));
        List<ThreadUse> threads = new ArrayList<>(nThreads);
        for (int t = 0; t < nThreads; t++) {
            ThreadInfo ti = trace.threads().get(tids[t]);
            threads.add(new ThreadUse(tids[t], GlobalIds.pid(tids[t]), GlobalIds.tid(tids[t]),
                    ti == null ? null : ti.name(), tCalls[t], tWaitCalls[t], tWait[t], tWork[t]));
        }
        threads.sort(Comparator.comparingLong(ThreadUse::waitNs).reversed()
                .thenComparing(Comparator.comparingLong((ThreadUse u) -> u.waitNs() + u.workNs()).reversed())
                .thenComparingLong(ThreadUse::globalTid));
        return new OsRuntimeAnalysis(calls, time, waitCalls, waitTime, iterations, names, threads);
    }

    /**
     * @return {@code osrt_wait} (per WAIT function: Name, Calls, Total Time, Avg, Threads, OSRT Time %, and Calls per
     *         Iteration when iterations were given) and {@code osrt_thread} (per thread: PID, TID, Thread, Calls, Wait
     *         Calls, Wait Time, Work Time, Wait %, OSRT Time %); durations ns, averages rounded to 0.1 ns, percentages
     *         to 0.1, calls per iteration to 0.1
     */
    public List<ResultTable> toTables() {
        List<Column> wCols = new ArrayList<>(List.of(new Column("Name", Kind.TEXT), new Column("Calls", Kind.INTEGER),
                new Column("Total Time", Kind.DURATION), new Column("Avg", Kind.DURATION),
                new Column("Threads", Kind.INTEGER), new Column("OSRT Time", Kind.PERCENT)));
        if (iterations != null) {
            wCols.add(new Column("Calls per Iteration", Kind.NUMBER));
        }
        List<Object[]> wRows = new ArrayList<>();
        for (WaitName w : waitNames) {
            Object[] r = new Object[wCols.size()];
            r[0] = w.name();
            r[1] = w.calls();
            r[2] = w.totalNs();
            r[3] = SummaryStats.round1(w.avgNs());
            r[4] = (long) w.threads();
            r[5] = SummaryStats.round1(timeNs == 0 ? 0.0 : 100.0 * w.totalNs() / timeNs);
            if (iterations != null) {
                r[6] = SummaryStats.round1((double) w.calls() / iterations);
            }
            wRows.add(r);
        }
        List<Object[]> tRows = new ArrayList<>();
        for (ThreadUse t : threads) {
            tRows.add(new Object[] {(long) t.pid(), (long) t.tid(), t.threadName(), t.calls(), t.waitCalls(), t.waitNs(),
                t.workNs(), SummaryStats.round1(t.waitPct()), SummaryStats.round1(sharePct(t))});
        }
        return List.of(new ResultTable("osrt_wait", "OS Runtime Waits", wCols, wRows),
                new ResultTable("osrt_thread", "OS Runtime by Thread", List.of(new Column("PID", Kind.INTEGER),
                        new Column("TID", Kind.INTEGER), new Column("Thread", Kind.TEXT), new Column("Calls", Kind.INTEGER),
                        new Column("Wait Calls", Kind.INTEGER), new Column("Wait Time", Kind.DURATION),
                        new Column("Work Time", Kind.DURATION), new Column("Wait", Kind.PERCENT),
                        new Column("OSRT Time", Kind.PERCENT)), tRows));
    }
}
