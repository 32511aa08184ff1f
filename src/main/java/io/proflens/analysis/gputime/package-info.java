/**
 * Where GPU time goes: TraceLens-style breakdown ({@link io.proflens.analysis.gputime.GpuTimeBreakdown}), per device
 * and stream utilization with nsys {@code gpu_time_util} chunks ({@link io.proflens.analysis.gputime.GpuUtilization}),
 * nsys {@code gpu_gaps} ({@link io.proflens.analysis.gputime.GpuGaps}), HTA idle-time attribution
 * ({@link io.proflens.analysis.gputime.IdleAttribution}) and HTA communication/computation overlap
 * ({@link io.proflens.analysis.gputime.CommOverlap}). All times are ns; all results are immutable records.
 *
 * <pre>{@code
 * GpuUtilization u = GpuUtilization.of(trace);            // nsys defaults: 30 chunks, 50 %
 * for (GpuUtilization.Device d : u.devices()) System.out.println(d.deviceId() + " " + d.utilizationPct());
 * }</pre>
 */
package io.proflens.analysis.gputime;
