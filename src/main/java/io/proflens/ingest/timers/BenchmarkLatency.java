package io.proflens.ingest.timers;

/**
 * A benchmark's {@code Average latency: 341.6 ms (±2.3 ms)} line: an end-to-end measurement taken outside the code's
 * own timers.
 *
 * @param lineNumber 1-based line in the log
 * @param meanNs     the average, ns
 * @param spreadNs   the ± value, ns (in the average's unit when the line gives none), or {@code null} when absent
 */
public record BenchmarkLatency(int lineNumber, long meanNs, Long spreadNs) {
}
