/**
 * CUDA API analysis: {@link io.proflens.analysis.api.CudaApiAnalysis} reports host-blocking synchronization calls
 * (per function and per calling thread and NVTX range) and kernel-launch overhead (launch call duration, queue delay
 * with {@code cuda_kern_exec_sum} semantics, kernels shorter than their launch call as in HTA's
 * {@code get_cuda_kernel_launch_stats}). {@link io.proflens.analysis.api.ApiNames} holds the name rules (suffix
 * stripping, the lists of sync and launch calls) that the memory analysis shares.
 *
 * <pre>{@code
 * CudaApiAnalysis a = CudaApiAnalysis.of(trace);
 * a.syncApiTimePct();                 // percent of CUDA API time in sync calls
 * a.allLaunches().queueMedianNs();    // median kernel start - launch call end, ns
 * List<ResultTable> t = a.toTables(); // cuda_api_sync, cuda_api_sync_callers, kernel_launch
 * }</pre>
 *
 * <p>Results are immutable records; lists are never {@code null}; names of unknown threads or missing callers are
 * {@code null}. Times are ns, percentages 0-100; statistics without values are NaN.
 */
package io.proflens.analysis.api;
