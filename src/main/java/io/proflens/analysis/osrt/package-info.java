/**
 * OS runtime analysis: {@link io.proflens.analysis.osrt.OsRuntimeAnalysis} splits the OS runtime calls of an nsys
 * capture into explicit waits (sleep, poll, condition variables, futex, ...) and other work, per function and per
 * thread, optionally per iteration of the profiled workload.
 *
 * <pre>{@code
 * OsRuntimeAnalysis o = OsRuntimeAnalysis.of(trace, 100);   // 100 iterations, or null
 * o.waitPct();                                              // percent of OS runtime time spent waiting
 * List<ResultTable> t = o.toTables();                       // osrt_wait, osrt_thread
 * }</pre>
 *
 * <p>Results are immutable records; lists are never {@code null}; thread names are {@code null} when unknown.
 * Times are ns, percentages 0-100.
 */
package io.proflens.analysis.osrt;
