/**
 * Nsight Compute CSV reader: {@link io.proflens.ingest.ncu.NcuCsvReader} reads {@code ncu --csv} exports
 * ({@code --page details}, {@code --page raw}, per-section files) into the per-kernel model of
 * {@code io.proflens.model.ncu}, merging several files of one run per kernel and normalising units once.
 *
 * <pre>{@code
 * NcuReport r = NcuCsvReader.read(List.of(
 *         Path.of("ncu.section_SpeedOfLight.csv"), Path.of("ncu.section_Occupancy.csv")));
 * for (NcuKernel k : r.kernels()) {
 *     System.out.println(k.name() + " " + k.durationNs() + " ns, occupancy " + k.achievedOccupancyPct() + "%");
 * }
 * }</pre>
 *
 * <p>Errors: an unusable file is an {@link io.proflens.ingest.ImportException} with a one-line message naming it;
 * suspect rows are counted in {@link io.proflens.model.ncu.NcuReport#issues()}. Nothing returned is null except
 * the documented launch dimensions.
 */
package io.proflens.ingest.ncu;
