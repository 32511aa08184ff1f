package io.proflens.ingest.timers;

import java.util.List;
import java.util.Objects;

/**
 * The timer lines and benchmark latencies of one log, in log order.
 *
 * @param source       file name, for messages
 * @param lines        timer lines in log order
 * @param iterations   number of iterations (the largest {@link TimerLine#iteration()}; 0 without timer lines)
 * @param latencies    benchmark {@code Average latency} lines in log order (usually zero or one)
 * @param ignoredLines non-blank lines that are neither timer nor benchmark lines (ordinary log output)
 */
public record TimerLog(String source, List<TimerLine> lines, int iterations, List<BenchmarkLatency> latencies,
                       int ignoredLines) {
    /** Copies the lists. */
    public TimerLog {
        Objects.requireNonNull(source, "source");
        lines = List.copyOf(lines);
        latencies = List.copyOf(latencies);
    }
}
