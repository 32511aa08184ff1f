package io.proflens.analysis.osrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.proflens.TestData;
import io.proflens.analysis.ResultTable;
import io.proflens.analysis.api.TestTraces;
import io.proflens.analysis.osrt.OsRuntimeAnalysis.ThreadUse;
import io.proflens.analysis.osrt.OsRuntimeAnalysis.WaitName;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.analysis.stats.StatsContext;
import io.proflens.analysis.stats.StatsReportRegistry;
import io.proflens.analysis.stats.TraceFilter;
import io.proflens.model.Trace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OsRuntimeAnalysisTest {

    @Test
    void classifiesWaitCallsByBaseName() {
        assertThat(OsRuntimeAnalysis.isWait("nanosleep")).isTrue();
        assertThat(OsRuntimeAnalysis.isWait("pthread_cond_timedwait@GLIBC_2.3.2")).isTrue();
        assertThat(OsRuntimeAnalysis.isWait("__poll")).isTrue();
        assertThat(OsRuntimeAnalysis.isWait("__clock_nanosleep_time64")).isTrue();
        assertThat(OsRuntimeAnalysis.isWait("sem_timedwait64")).isTrue();
        assertThat(OsRuntimeAnalysis.isWait("sched_yield")).isTrue();
        assertThat(OsRuntimeAnalysis.isWait("ioctl")).isFalse();
        assertThat(OsRuntimeAnalysis.isWait("read")).isFalse();
        assertThat(OsRuntimeAnalysis.isWait("open64")).isFalse();
        assertThat(OsRuntimeAnalysis.isWait("pthread_mutex_lock")).isFalse();
        assertThat(OsRuntimeAnalysis.baseName("pthread_cond_wait@@GLIBC_2.3.2")).isEqualTo("pthread_cond_wait");
        assertThat(OsRuntimeAnalysis.isWait(null)).isFalse();
    }

    /**
     * "nanosleep is 192 s over 179,993 calls (avg 1.07 ms)" across 60 threads: call i sleeps 1,066,708 ns, the
     * first 26,956 calls one ns more (179,993 × 1,066,708 + 26,956 = 192,000,000,000), on thread i mod 60. Thread 0 also does 10 reads
     * of 1 ms; markers of class 31/32 must be ignored. 1000 iterations.
     */
    @Test
    void nanosleepAcrossSixtyThreads() {
        TestTraces b = new TestTraces();
        for (int th = 0; th < 60; th++) {
            b.thread(1000 + th, "worker-" + th);
        }
        long[] perThread = new long[60];
        long t = 0;
        for (int i = 0; i < 179_993; i++) {
            long d = 1_066_708 + (i < 26_956 ? 1 : 0);
            int th = i % 60;
            b.os("nanosleep", t, t + d, 1000 + th);
            perThread[th] += d;
            t += 10;
        }
        for (int i = 0; i < 10; i++) {
            b.os("read", t, t + 1_000_000, 1000);
            t += 2_000_000;
        }
        b.osrt.add(0, 0, TestTraces.tid(1000), 0, b.id("OS runtime libraries profiling started"), 31, 0, 0);
        b.osrt.add(t, t, TestTraces.tid(1000), 0, b.id("OS runtime libraries profiling finished"), 32, 0, 0);
        OsRuntimeAnalysis o = OsRuntimeAnalysis.of(b.build(), 1000);

        assertThat(o.waitNames()).hasSize(1);
        WaitName n = o.waitNames().get(0);
        assertThat(n.name()).isEqualTo("nanosleep");
        assertThat(n.calls()).isEqualTo(179_993);
        assertThat(n.totalNs()).isEqualTo(192_000_000_000L);
        assertThat(n.totalNs() / 1e9).isEqualTo(192.0);
        assertThat(n.avgNs() / 1e6).isCloseTo(1.07, offset(0.005));
        assertThat(n.threads()).isEqualTo(60);
        assertThat(o.calls()).isEqualTo(179_993 + 10);
        assertThat(o.waitCalls()).isEqualTo(179_993);
        assertThat(o.timeNs()).isEqualTo(192_000_000_000L + 10_000_000);
        assertThat(o.waitPct()).isCloseTo(100.0 * 192_000 / 192_010, offset(1e-9));
        assertThat(o.callsPerIteration()).isEqualTo(180.003);
        assertThat(o.waitCallsPerIteration()).isEqualTo(179.993);

        assertThat(o.threads()).hasSize(60);
        ThreadUse first = o.threads().get(0);
        // threads 0..52 get 3,000 calls, threads 53..59 2,999; threads 0..15 get 450 of the +1 ns calls: they tie on
        // wait time and thread 0 leads by its extra work time
        assertThat(first.tid()).isEqualTo(1000);
        assertThat(first.threadName()).isEqualTo("worker-0");
        assertThat(first.waitNs()).isEqualTo(perThread[0]);
        assertThat(first.workNs()).isEqualTo(10_000_000);
        assertThat(first.calls()).isEqualTo(3000 + 10);
        assertThat(o.threads().stream().mapToLong(ThreadUse::waitNs).sum()).isEqualTo(192_000_000_000L);
        for (ThreadUse u : o.threads()) {
            assertThat(u.waitNs()).isEqualTo(perThread[u.tid() - 1000]);
        }

        List<ResultTable> tables = o.toTables();
        ResultTable w = tables.get(0);
        assertThat(w.reportName()).isEqualTo("osrt_wait");
        assertThat(w.cell(0, w.columnIndex("Calls per Iteration"))).isEqualTo(180.0);
        assertThat(tables.get(1).size()).isEqualTo(60);
    }

    @Test
    void iterationsMustBePositiveAndNullMeansNone() {
        Trace t = new TestTraces().build();
        assertThatThrownBy(() -> OsRuntimeAnalysis.of(t, 0)).isInstanceOf(IllegalArgumentException.class);
        OsRuntimeAnalysis o = OsRuntimeAnalysis.of(t, null);
        assertThat(o.callsPerIteration()).isNull();
        assertThat(o.calls()).isZero();
        assertThat(o.waitPct()).isZero();
        assertThat(o.toTables().get(0).columnIndex("Calls per Iteration")).isEqualTo(-1);
    }

    /**
     * The three exports with OS runtime data: call counts and per-function totals agree with {@code osrt_sum}
     * (the nsys report, computed by its own code path), e.g. mordred's 12,489 calls.
     */
    @ParameterizedTest
    @CsvSource({
        "mordred-gpu-join-2021/report1.sqlite, 12489, 6",
        "cutlass-bench-a100/report1.sqlite, 1181, 2",
        "vecadd-rtx3060-2025/report1.sqlite, 443, 3",
    })
    void agreesWithOsrtSum(String file, long calls, int waitNames) {
        Trace t = TestData.load(TestData.nsys(file));
        OsRuntimeAnalysis o = OsRuntimeAnalysis.of(t, null);
        assertThat(o.calls()).isEqualTo(calls);
        assertThat(o.waitNames()).hasSize(waitNames);
        ResultTable sum = new StatsReportRegistry().get("osrt_sum")
                .compute(t, new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(t.metadata())));
        Map<String, long[]> byName = new HashMap<>();
        long total = 0;
        long count = 0;
        for (Object[] row : sum.rows()) {
            long tt = ((Number) row[sum.columnIndex("Total Time")]).longValue();
            long n = ((Number) row[sum.columnIndex("Num Calls")]).longValue();
            total += tt;
            count += n;
            byName.merge(OsRuntimeAnalysis.baseName((String) row[sum.columnIndex("Name")]), new long[] {n, tt},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        assertThat(o.calls()).isEqualTo(count);
        assertThat(o.timeNs()).isEqualTo(total);
        long wait = 0;
        for (WaitName w : o.waitNames()) {
            assertThat(byName.get(w.name())).as(w.name()).containsExactly(w.calls(), w.totalNs());
            wait += w.totalNs();
        }
        assertThat(o.waitTimeNs()).isEqualTo(wait);
        long waitFromReport = byName.entrySet().stream().filter(e -> OsRuntimeAnalysis.isWait(e.getKey()))
                .mapToLong(e -> e.getValue()[1]).sum();
        assertThat(o.waitTimeNs()).isEqualTo(waitFromReport);
    }

    static List<String> corpus() {
        return TestTraces.corpusFiles();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void corpusInvariants(String file) {
        Trace t = TestData.load(TestData.root().resolve(file));
        OsRuntimeAnalysis o = OsRuntimeAnalysis.of(t, 7);
        o.toTables();
        assertThat(o.threads().stream().mapToLong(u -> u.waitNs() + u.workNs()).sum()).isEqualTo(o.timeNs());
        assertThat(o.threads().stream().mapToLong(ThreadUse::waitNs).sum()).isEqualTo(o.waitTimeNs());
        assertThat(o.threads().stream().mapToLong(ThreadUse::calls).sum()).isEqualTo(o.calls());
        assertThat(o.waitNames().stream().mapToLong(WaitName::calls).sum()).isEqualTo(o.waitCalls());
        assertThat(o.waitNames().stream().mapToLong(WaitName::totalNs).sum()).isEqualTo(o.waitTimeNs());
        assertThat(o.waitNames()).allMatch(w -> w.threads() >= 1 && w.threads() <= o.threads().size());
        assertThat(o.waitPct()).isBetween(0.0, 100.0);
        if (!t.osRuntime().present()) {
            assertThat(o.calls()).isZero();
        }
    }
}
