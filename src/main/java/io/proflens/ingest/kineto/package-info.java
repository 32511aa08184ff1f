/**
 * PyTorch profiler (Kineto) Chrome-trace reader: {@link io.proflens.ingest.kineto.KinetoJsonImporter} streams a
 * {@code .json} or {@code .json.gz} trace into the {@link io.proflens.model.Trace} model — kernels, memcpys,
 * memsets, CUDA/HIP runtime and driver calls, syncs, {@code user_annotation}/{@code gpu_user_annotation} ranges as
 * NVTX push/pop ranges, {@code cpu_op}/{@code python_function} as CPU ranges — with times converted exactly from
 * µs text to ns and every dropped or repaired event counted as an {@link io.proflens.model.ImportIssue}.
 * Semantics: ../shared/docs/kineto-reference.md §2 and §7.
 *
 * <pre>{@code
 * Trace t = new KinetoJsonImporter().read(Path.of("rank-0.pt.trace.json.gz"), ImportOptions.all(),
 *         ProgressListener.NONE);
 * long kernels = t.kernels().size();
 * }</pre>
 *
 * <p>Null policy: public methods take no {@code null} arguments; model fields that the trace does not state are
 * {@code null} (metadata, device properties) or NaN (kernel occupancy), as documented on the model types.
 */
package io.proflens.ingest.kineto;
