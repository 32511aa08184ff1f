/**
 * The Nsight Compute data model: per-kernel metrics with their printed and normalised units, as read by
 * {@code io.proflens.ingest.ncu.NcuCsvReader} and judged by {@code io.proflens.analysis.ncu.KernelEfficiency}.
 * It lives in {@code model} (JDK only) because both the reader (ingest) and the analyses use it and they may not
 * depend on each other.
 *
 * <pre>{@code
 * NcuReport r = NcuCsvReader.read(List.of(Path.of("ncu.details.csv")));
 * NcuKernel k = r.kernels().get(0);
 * double occ = k.achievedOccupancyPct();      // 39.9 (%), NaN when the Occupancy section was not collected
 * double ns = k.durationNs();                 // 31650.0 (from "31.65" "usecond")
 * k.metric("Occupancy / Block Limit Shared Mem").map(NcuMetric::value);   // 6.0
 * }</pre>
 *
 * <p>Nulls: {@link io.proflens.model.ncu.NcuKernel#blockSize()} and {@code gridSize()} are null when the CSV has no
 * such column; every other component is non-null; unknown numbers are NaN.
 */
package io.proflens.model.ncu;
