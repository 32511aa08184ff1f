/**
 * Measured per-operator times against a simulator's per-operator table (model-vs-measured diff): per-operator
 * difference per layer, × layer count, total over the step, and the operators that explain most of it.
 *
 * <pre>{@code
 * SimTable sim = SimTable.parse(Files.readString(csv), csv.toString());     // the caller reads the file
 * List<MeasuredOperator> measured = List.of(new MeasuredOperator("mla", 214_000, 61),
 *         new MeasuredOperator("low_latency_combine", 60_000, 58));
 * SimDiff d = SimDiff.of(measured, sim);                 // or SimDiff.of(measured, sim, Options.defaults().withAliases(...))
 * d.totalDiffNs();                                       // Σ (simulated − measured) × layers, ns
 * d.topContributors();                                   // the few operators that explain most of it
 * List<ResultTable> tables = d.toTables();               // simdiff_ops, simdiff_summary
 * }</pre>
 *
 * <p>Formats: the proflens CSV ({@code op,time_us[,layers]}), Vidur {@code operation_metrics.csv} and Vidur profiling
 * tables, see {@link io.proflens.analysis.simdiff.SimTable}. Units: simulator tables in µs (converted from ms where the
 * tool writes ms), results in ns. Null policy: one-sided rows carry {@code null} for the missing side; collections are
 * never {@code null}. Parse errors are {@link java.lang.IllegalArgumentException}s with one line naming the source and
 * line.
 */
package io.proflens.analysis.simdiff;
