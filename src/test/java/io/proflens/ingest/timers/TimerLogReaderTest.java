package io.proflens.ingest.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.ingest.ImportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU fine-tuning team's backward timers from issue 6 and the benchmark line. */
class TimerLogReaderTest {
    /** Reconstructed from the issue: the two quoted lines plus details and phases that make 319.9 ms. */
    static final String ISSUE_LOG = """
            2025-03-02 10:00:01 INFO starting backward
            [DOWN] D0_prepare+memset: 69.506 ms
            [DOWN] D1_grad_input: 78.268 ms
            [DOWN] D2_grad_weight: 41.311 ms
            [BWD TIMER] backward_down: 193.885 ms (total: 193.885 ms)
            [rank0] [UP] U0_grad_input: 52.004 ms
            [UP] U1_grad_weight: 31.250 ms
            [BWD TIMER] backward_up: 86.015 ms (total: 279.900 ms)
            [BWD TIMER] backward_gate: 40.000 ms (total: 319.900 ms)
            Average latency: 341.6 ms (±2.3 ms)
            """;

    @Test
    void readsTheThreeKindsAndTheBenchmark() {
        TimerLog log = TimerLogReader.parse(ISSUE_LOG, "bwd.log");
        assertThat(log.lines()).hasSize(8);
        assertThat(log.iterations()).isEqualTo(1);
        TimerLine first = log.lines().get(0);
        assertThat(first.kind()).isEqualTo(TimerLine.Kind.GROUP);
        assertThat(first.label()).isEqualTo("DOWN");
        assertThat(first.name()).isEqualTo("D0_prepare+memset");
        assertThat(first.valueNs()).isEqualTo(69_506_000L);
        assertThat(first.lineNumber()).isEqualTo(2);
        TimerLine phase = log.lines().get(3);
        assertThat(phase.kind()).isEqualTo(TimerLine.Kind.PHASE);
        assertThat(phase.label()).isEqualTo("BWD TIMER");
        assertThat(phase.name()).isEqualTo("backward_down");
        assertThat(phase.valueNs()).isEqualTo(193_885_000L);
        assertThat(phase.reportedTotalNs()).isEqualTo(193_885_000L);
        assertThat(log.lines().get(4).label()).isEqualTo("UP"); // a log prefix in brackets is skipped
        assertThat(log.latencies()).containsExactly(new BenchmarkLatency(10, 341_600_000L, 2_300_000L));
        assertThat(log.ignoredLines()).isEqualTo(1);
    }

    @Test
    void genericLinesUnitsAndIterations() {
        String text = "forward: 1.5 ms\nbackward = 2500 us\noptimizer: 0.5ms\nthe loss was 3.2 s ago: fine\n"
                + "forward: 1.25 ms\nbackward: 2.4 ms\nstep_total: 0.004 s\nwait: 12 ns\nlatency: 3 µs\n"
                + "Average latency: 2.5 ms\nAverage latency: 0.003 s (+/- 100)\n";
        TimerLog log = TimerLogReader.parse(text, "g.log");
        assertThat(log.lines()).extracting(TimerLine::name).containsExactly("forward", "backward", "optimizer", "forward",
                "backward", "step_total", "wait", "latency");
        assertThat(log.lines()).extracting(TimerLine::valueNs).containsExactly(1_500_000L, 2_500_000L, 500_000L,
                1_250_000L, 2_400_000L, 4_000_000L, 12L, 3_000L);
        assertThat(log.lines()).extracting(TimerLine::iteration).containsExactly(1, 1, 1, 2, 2, 2, 2, 2);
        assertThat(log.iterations()).isEqualTo(2);
        assertThat(log.latencies()).extracting(BenchmarkLatency::meanNs).containsExactly(2_500_000L, 3_000_000L);
        assertThat(log.latencies().get(0).spreadNs()).isNull();
        assertThat(log.latencies().get(1).spreadNs()).isEqualTo(100_000_000_000L); // ± in the average's unit (s)
        assertThat(log.ignoredLines()).isEqualTo(1);
    }

    @Test
    void filesWithoutTimersAreRejectedInOneLine(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("plain.log"), "hello\nworld 3 ms later\n");
        assertThatThrownBy(() -> TimerLogReader.read(empty)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(empty + ": no timer lines");
        assertThatThrownBy(() -> TimerLogReader.read(dir.resolve("nope.log"))).hasMessage(dir.resolve("nope.log")
                + ": no such file");
        Path bin = Files.write(dir.resolve("bin.log"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> TimerLogReader.read(bin)).hasMessage(bin + ": not a UTF-8 text log");
        Path ok = Files.writeString(dir.resolve("ok.log"), ISSUE_LOG, StandardCharsets.UTF_8);
        assertThat(TimerLogReader.read(ok).lines()).hasSize(8);
    }
}
