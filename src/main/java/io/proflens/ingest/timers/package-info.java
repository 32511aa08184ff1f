/**
 * Reader of in-code timer logs: {@code [GROUP] name: 12.345 ms}, {@code [... TIMER] phase: X ms (total: Y ms)},
 * generic {@code name: value unit} lines and a benchmark's {@code Average latency: … ms (±…)} line, split into
 * iterations.
 *
 * <pre>{@code
 * TimerLog log = TimerLogReader.read(Path.of("train.log"));   // ImportException: one line naming the file
 * for (TimerLine l : log.lines()) {
 *     l.iteration(); l.kind(); l.label(); l.name(); l.valueNs(); l.reportedTotalNs();
 * }
 * log.latencies();   // benchmark lines, ns
 * }</pre>
 *
 * <p>Times are converted to ns once, here (decimal, half-up). Null policy: {@code label}, {@code reportedTotalNs}
 * and {@code spreadNs} are {@code null} when the line has none; lists are never {@code null}.
 */
package io.proflens.ingest.timers;
