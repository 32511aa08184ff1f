/**
 * The proflens benchmark harness: large inputs made by tiling a real Nsight Systems export
 * ({@link io.proflens.bench.TiledExportBuilder}), the equivalent-SQL baseline run by the {@code sqlite3} shell
 * ({@link io.proflens.bench.SqliteBaseline}), and the driver that times both as child processes and prints
 * wall time, peak RSS, speed-up and scaling ({@link io.proflens.bench.Benchmark}).
 *
 * <p>Inputs under {@code ../shared} are only ever opened read-only ({@code mode=ro&immutable=1}); everything
 * generated goes to a work directory (default: a new directory under {@code java.io.tmpdir}) and is deleted
 * at the end unless asked to keep it. Times are wall-clock seconds of whole child processes; memory is the
 * child's peak resident set size. Nothing here asserts timings in tests.
 *
 * <pre>{@code
 * // 1M and 10M kernels from the FastVideo Wan export, proflens from its jar:
 * int exit = Benchmark.run(BenchOptions.defaults(Path.of("target/proflens.jar")), System.out, System.err);
 *
 * // or from a shell (heap of the proflens child via --xmx, default 1536m):
 * java -cp target/proflens.jar io.proflens.bench.Benchmark --sizes 1M,10M --work-dir /tmp/pb --keep
 * }</pre>
 */
package io.proflens.bench;
