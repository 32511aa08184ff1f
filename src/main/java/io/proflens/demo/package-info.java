/**
 * A built-in, SYNTHETIC Nsight Systems profile for trying proflens without a GPU or a real capture.
 *
 * <p>{@link io.proflens.demo.DemoProfileWriter#write} writes an SQLite file in the nsys 2024.6.2 export
 * schema (3.16.1) that models a DeepSeek-V3-like MoE decode run: NVTX step, layer and operator ranges,
 * CUDA runtime calls, kernels on a compute and a communication stream, copies, a memset, stream
 * synchronisation and a few OS runtime calls. Every user-visible name says the data are synthetic, and
 * {@code META_DATA_EXPORT} carries {@code PROFLENS_SYNTHETIC = true}. Output depends only on the
 * {@link io.proflens.demo.DemoSpec}; times are integer ns.
 *
 * <pre>{@code
 * DemoProfileWriter.write(Path.of("demo.sqlite"), DemoSpec.defaults());
 * }</pre>
 */
package io.proflens.demo;
