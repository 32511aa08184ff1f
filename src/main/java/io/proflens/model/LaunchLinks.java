package io.proflens.model;

/**
 * Links from GPU rows (kernels, memcpys, memsets) to the CUDA API call that issued them, by correlation id
 * <em>scoped by process</em>: {@code gpu.correlationId = api.correlationId AND gpu.globalPid =
 * (api.globalTid & 0xFFFFFFFFFF000000)} (nsys {@code cuda_kern_exec_sum}; nsys-reference.md §7.7). Correlation
 * ids are unique per process only; joining on the id alone pairs rows of different processes.
 *
 * <p>Arrays hold the API row index or -1 ("launch not in capture", common in sliced captures). When
 * several API rows of one process share an id, the first one in table order wins.
 */
public final class LaunchLinks implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] kernelApiRow;
    private final int[] memcpyApiRow;
    private final int[] memsetApiRow;
    private final int unmatchedKernels;
    private final int unmatchedMemops;

    private LaunchLinks(int[] k, int[] c, int[] s) {
        kernelApiRow = k;
        memcpyApiRow = c;
        memsetApiRow = s;
        unmatchedKernels = countMissing(k);
        unmatchedMemops = countMissing(c) + countMissing(s);
    }

    private static int countMissing(int[] a) {
        int n = 0;
        for (int v : a) {
            if (v < 0) {
                n++;
            }
        }
        return n;
    }

    /** Builds the links; O(rows), one hash map over the API table. */
    public static LaunchLinks compute(KernelTable kernels, MemcpyTable memcpys, MemsetTable memsets, ApiCallTable api) {
        LongIntHashMap byKey = new LongIntHashMap(api.size());
        for (int i = 0, n = api.size(); i < n; i++) {
            int corr = api.correlationId(i);
            if (corr != 0) {
                byKey.putIfAbsent(key(GlobalIds.processOf(api.globalTid(i)), corr), i);
            }
        }
        int[] k = new int[kernels.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = byKey.get(key(kernels.globalPid(i), kernels.correlationId(i)));
        }
        return new LaunchLinks(k, link(memcpys, byKey), link(memsets, byKey));
    }

    private static int[] link(GpuActivityTable t, LongIntHashMap byKey) {
        int[] r = new int[t.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = byKey.get(key(t.globalPid(i), t.correlationId(i)));
        }
        return r;
    }

    private static long key(long globalPid, int corr) {
        return ((globalPid >>> 24) << 32) ^ (corr & 0xFFFFFFFFL);
    }

    /** @return API row index launching kernel {@code i}, or -1. */
    public int kernelApiRow(int i) { return kernelApiRow[i]; }
    /** @return API row index issuing memcpy {@code i}, or -1. */
    public int memcpyApiRow(int i) { return memcpyApiRow[i]; }
    /** @return API row index issuing memset {@code i}, or -1. */
    public int memsetApiRow(int i) { return memsetApiRow[i]; }
    /** @return number of kernels whose launch is not in the capture. */
    public int unmatchedKernels() { return unmatchedKernels; }
    /** @return number of memcpy/memset rows whose API call is not in the capture. */
    public int unmatchedMemops() { return unmatchedMemops; }
}
