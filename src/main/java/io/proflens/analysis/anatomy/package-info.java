/**
 * Step anatomy: one step (decode step, training iteration) rebuilt layer by layer and operator by operator, the way
 * an inference engineer writes it by hand from an nsys timeline ("dense layers 0.311 ms × 3, MoE layers 0.439 ms ×
 * 58 = 25.46 ms, MTP 2 ms, total 28.5 ms per step").
 *
 * <ul>
 *   <li>{@link io.proflens.analysis.anatomy.OperatorMapping}: ordered regex rules kernel name → operator
 *       ({@code operator-rules.tsv} built in, a user TSV file first);</li>
 *   <li>{@link io.proflens.analysis.anatomy.StepAnatomy}: steps, layers (from NVTX / {@code record_function} /
 *       module ranges, else from the repeating operator sequence of the kernels), layer kinds, operators per kind
 *       with their kernel parts, exposed communication time, and the remainder of the step;</li>
 *   <li>{@link io.proflens.analysis.anatomy.AnatomyOptions}: step range, operator level, mapping, anchors.</li>
 * </ul>
 *
 * <pre>{@code
 * StepAnatomy a = StepAnatomy.of(trace, AnatomyOptions.defaults());
 * for (StepAnatomy.LayerKind k : a.layerKinds()) {
 *     System.out.printf("%s: %.0f ns x %.0f per step%n", k.name(), k.meanLayerNs(), k.layersPerStep());
 * }
 * double stepNs = a.stepMeanNs();
 * }</pre>
 *
 * <p>Times are ns. Results are immutable records; lists are never {@code null} (empty instead); nullable fields say
 * so. Pure functions of the trace; depends on the model, {@code analysis.phases}, {@code analysis.classify} and
 * {@code analysis.stats} only.
 */
package io.proflens.analysis.anatomy;
