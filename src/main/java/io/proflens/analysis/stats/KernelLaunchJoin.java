package io.proflens.analysis.stats;

import io.proflens.model.ApiCallTable;
import io.proflens.model.KernelTable;
import io.proflens.model.LaunchLinks;
import io.proflens.model.Trace;
import java.util.Arrays;

/**
 * The inner join of {@code cuda_kern_exec_sum} / {@code cuda_kern_exec_trace}: each kernel with the CUDA API
 * call of the same correlation id <em>in the same process</em> ({@code k.correlationId = r.correlationId AND
 * k.globalPid = (r.globalTid & 0xFFFFFFFFFF000000)}, {@link Trace#launchLinksOrCompute()}); kernels whose
 * launch is not in the capture drop out. Both rows must pass the filter (nsys's filter views shadow both
 * tables). Per launch: {@code ApiDur = r.end - r.start}, {@code QueDur = k.start - r.end} when {@code >= 0}
 * else NULL, {@code KernDur = k.end - k.start}, {@code TotalDur = max(r.end, k.end) - r.start}.
 *
 * <p>When several API rows of one process share a correlation id nsys would emit one row per API row; the
 * model links the first one only (no export under {@code ../shared/data} has such duplicates).
 */
final class KernelLaunchJoin {
    /** Kernel row per match. */
    final int[] kernel;
    /** API row per match. */
    final int[] api;
    /** Number of matches. */
    final int size;

    private KernelLaunchJoin(int[] kernel, int[] api, int size) {
        this.kernel = kernel;
        this.api = api;
        this.size = size;
    }

    static KernelLaunchJoin of(Trace trace, TraceFilter f) {
        KernelTable k = trace.kernels();
        ApiCallTable r = trace.cudaApi();
        LaunchLinks links = trace.launchLinksOrCompute();
        boolean all = f.isNone();
        int[] ks = new int[k.size()];
        int[] as = new int[k.size()];
        int m = 0;
        for (int i = 0, n = k.size(); i < n; i++) {
            int a = links.kernelApiRow(i);
            if (a < 0) {
                continue;
            }
            if (!all && (!f.keepProcessRow(k.startNs(i), k.endNs(i), k.globalPid(i))
                    || !f.keepThreadRow(r.startNs(a), r.endNs(a), r.globalTid(a)))) {
                continue;
            }
            ks[m] = i;
            as[m++] = a;
        }
        return new KernelLaunchJoin(Arrays.copyOf(ks, m), Arrays.copyOf(as, m), m);
    }

    /** @return queue time of match {@code m}, or -1 when the kernel started before the call returned (NULL). */
    static long queueNs(KernelTable k, ApiCallTable r, int ki, int ai) {
        long q = k.startNs(ki) - r.endNs(ai);
        return q >= 0 ? q : -1;
    }

    /** @return {@code max(r.end, k.end) - r.start}. */
    static long totalNs(KernelTable k, ApiCallTable r, int ki, int ai) {
        return Math.max(r.endNs(ai), k.endNs(ki)) - r.startNs(ai);
    }
}
