/**
 * In-code timers (the {@code [GROUP] name: 12.345 ms} and {@code [... TIMER] phase: X ms (total: Y ms)} lines that
 * training and inference code prints) as a hierarchy with shares of the internal total, warm-up vs steady state, and
 * the gap to an external measurement.
 *
 * <pre>{@code
 * List<TimerSample> samples = ...;   // from io.proflens.ingest.timers.TimerLogReader, mapped by the CLI
 * TimerReport r = TimerReport.of(samples, new TimerReport.Options(null, 341_600_000L, 2_300_000L, "bench.log"));
 * r.internalTotalNs();   // 319,900,000
 * r.gapNs();             // 21,700,000: external − internal
 * List<ResultTable> t = r.toTables();   // timers_hierarchy, timers_iterations, timers_gap
 * }</pre>
 *
 * <p>Times are ns ({@code long}); percentages 0-100. Null policy: absent values (no warm-up, no external measurement)
 * are {@code null}; lists are never {@code null}. This package does not read files (layering: analysis does not know
 * readers); {@link io.proflens.analysis.timers.TimerSample} mirrors the reader's line record.
 */
package io.proflens.analysis.timers;
