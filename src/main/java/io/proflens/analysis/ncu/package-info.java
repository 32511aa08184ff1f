/**
 * Kernel efficiency from Nsight Compute metrics: {@link io.proflens.analysis.ncu.KernelEfficiency} (throughput
 * bound, achieved vs theoretical occupancy and its limiter, waves per SM and the partial last wave, roofline
 * points) and {@link io.proflens.analysis.ncu.NcuJoin} (ncu kernels to the kernels of a trace, by name and launch
 * order).
 *
 * <pre>{@code
 * NcuReport r = NcuCsvReader.read(files);                 // io.proflens.ingest.ncu
 * KernelEfficiency e = KernelEfficiency.of(r);
 * KernelEfficiency.Kernel k = e.kernels().get(0);
 * k.occupancy().limiterText();   // "shared memory"
 * k.waves().text();              // "1 full wave + 87 blocks"
 * k.waves().tailGainPct();       // 41.2 (% of the runtime whole waves could save)
 * List<ResultTable> t = e.toTables();                     // ncu_kernels, ncu_metrics
 * NcuJoin j = NcuJoin.of(r, trace);                       // trace totals per ncu kernel
 * }</pre>
 *
 * <p>Percentages are 0-100, times ns, sizes bytes; unknown numbers are NaN (or -1 for counts, as documented);
 * lists are never null.
 */
package io.proflens.analysis.ncu;
