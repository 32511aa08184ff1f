/**
 * Kernel-efficiency rules over Nsight Compute data (topic {@code ncu}): occupancy below theoretical, low occupancy,
 * partial last wave, latency-bound, compute- vs memory-bound, register pressure, shared-memory limit. Each is an
 * {@link io.proflens.rules.ncu.NcuRule}: not applicable unless the CLI stored an ncu report under
 * {@link io.proflens.rules.ncu.NcuRule#REPORT_KEY}; tests call
 * {@link io.proflens.rules.ncu.NcuRule#evaluate(io.proflens.model.ncu.NcuReport, io.proflens.rules.ThresholdValues)}.
 *
 * <pre>{@code
 * RuleContext ctx = RuleContext.of(trace);
 * NcuReport report = NcuCsvReader.read(List.of(Path.of("ncu.details.csv")));
 * ctx.analysis(NcuRule.REPORT_KEY, () -> report);           // before the rules run
 * Finding f = new PartialWaveRule().evaluate(ctx, ThresholdValues.defaults(new PartialWaveRule()));
 * }</pre>
 */
package io.proflens.rules.ncu;
