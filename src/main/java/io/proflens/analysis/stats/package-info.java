/**
 * The {@code nsys stats} reports re-implemented over the trace model, with nsys's semantics, column names
 * and order ({@link io.proflens.analysis.stats.StatsReportRegistry} lists them). Statistics follow
 * nsys-reference.md §2.2: sample stddev (0.0 for n = 1), median of the middle pair, percent of listed rows
 * rounded to 0.1.
 *
 * <pre>{@code
 * StatsReport r = new StatsReportRegistry().get("cuda_gpu_kern_sum");
 * ResultTable t = r.compute(trace, new StatsContext(List.of(), TraceFilter.NONE, NamingPolicy.forMetadata(trace.metadata())));
 * }</pre>
 */
package io.proflens.analysis.stats;
