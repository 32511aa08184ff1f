/**
 * Phases and iterations: repeating annotation ranges (NVTX push/pop and start/end ranges, Kineto user annotations
 * such as {@code ProfilerStep#N} and {@code ## forward ##}) grouped by a normalised key, the main step loop with its
 * warm-up and steady state, the GPU idle time between consecutive iterations (nsys {@code nvtx_gpu_proj_sum}
 * projection), what an iteration is made of, forward vs backward, and the kernels of each phase.
 *
 * <pre>{@code
 * PhaseAnalysis p = PhaseAnalysis.of(trace, PhaseOptions.defaults().withTokensPerStep(4096L));
 * PhaseSeries step = p.mainIteration();             // null when nothing repeats
 * if (step != null) {
 *     double steadyMs = step.steadyMeanNs() / 1e6;   // mean without warm-up outliers
 *     GpuGapStats gaps = step.gpuGaps();             // null without GPU work
 * }
 * ForwardBackward fb = p.forwardBackward();         // null unless both exist
 * List<ResultTable> tables = p.toTables();          // phases, iterations, phase_children, phase_kernels
 * }</pre>
 *
 * <p>Null policy: collections are never {@code null} (empty when there is nothing); record components documented as
 * "or {@code null}" are absent values (no main iteration, no GPU work, no token count). All times are {@code long}
 * ns on the trace clock, or {@code double} ns for means; percentages are 0-100.
 */
package io.proflens.analysis.phases;
