package io.proflens.analysis.api;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Name rules for CUDA runtime/driver API calls as recorded by nsys and Kineto.
 *
 * <p>nsys records a function with the suffixes of the entry point that was called: an API version
 * ({@code cudaLaunchKernel_v7000}, {@code cuMemcpyHtoDAsync_v2}) and the per-thread default stream variants
 * ({@code cudaMemcpyAsync_ptsz_v7000}, {@code cudaMemcpy_ptds_v7000}). {@link #baseName} strips all of these, so
 * one function is one name. (This is wider than the {@code cuda_api_sum} rule, which strips only a 4-digit
 * {@code _vNNNN}; nsys-reference.md §2.4.) Kineto records bare names. HIP calls (Kineto on ROCm puts them in the
 * same categories) are classified like their CUDA counterparts — an extension, marked as such below.
 *
 * <p>Stateless; all methods accept {@code null} (→ {@code null} / {@code false}).
 */
public final class ApiNames {
    private static final Pattern SUFFIX = Pattern.compile("(?:_v\\d+|_ptsz|_ptds)$");

    /**
     * Host-blocking synchronization calls (base names). They wait until the GPU work of a device, stream or event
     * is done. Not included: {@code cudaStreamWaitEvent}/{@code cuStreamWaitEvent} (a GPU-side dependency: the host
     * returns at once), {@code cudaEventQuery}/{@code cudaStreamQuery} (polls that never block), memcpy calls (see
     * the memory analysis). {@code cudaThreadSynchronize} is the deprecated alias of {@code cudaDeviceSynchronize};
     * the {@code hip*} names are the ROCm counterparts (extension).
     */
    public static final List<String> SYNCHRONIZATION_CALLS = List.of("cudaDeviceSynchronize", "cudaStreamSynchronize",
            "cudaEventSynchronize", "cudaThreadSynchronize", "cuCtxSynchronize", "cuStreamSynchronize",
            "cuEventSynchronize", "hipDeviceSynchronize", "hipStreamSynchronize", "hipEventSynchronize");

    /**
     * Kernel launch calls (base names): runtime and driver, regular, extended, cooperative and graph launches, the
     * pre-CUDA-7 {@code cudaLaunch}/{@code cuLaunch*} entry points, and the HIP counterparts (extension). Not
     * included: {@code cudaLaunchHostFunc} (runs a host function, launches no kernel).
     */
    public static final List<String> LAUNCH_CALLS = List.of("cudaLaunchKernel", "cudaLaunchKernelExC",
            "cudaLaunchCooperativeKernel", "cudaLaunchCooperativeKernelMultiDevice", "cudaLaunch", "cudaGraphLaunch",
            "cuLaunchKernel", "cuLaunchKernelEx", "cuLaunchCooperativeKernel", "cuLaunchCooperativeKernelMultiDevice",
            "cuLaunch", "cuLaunchGrid", "cuLaunchGridAsync", "cuGraphLaunch", "hipLaunchKernel", "hipExtLaunchKernel",
            "hipModuleLaunchKernel", "hipExtModuleLaunchKernel", "hipLaunchCooperativeKernel", "hipGraphLaunch");

    /** Graph launches: one call starts every kernel of a graph. */
    public static final List<String> GRAPH_LAUNCH_CALLS = List.of("cudaGraphLaunch", "cuGraphLaunch", "hipGraphLaunch");

    private static final Set<String> SYNC = Set.copyOf(SYNCHRONIZATION_CALLS);
    private static final Set<String> LAUNCH = Set.copyOf(LAUNCH_CALLS);
    private static final Set<String> GRAPH = Set.copyOf(GRAPH_LAUNCH_CALLS);

    private ApiNames() {
    }

    /**
     * @param recorded name as recorded, e.g. {@code cudaMemcpyAsync_ptsz_v7000}
     * @return the name without trailing {@code _v<digits>}, {@code _ptsz} and {@code _ptds} suffixes (stripped
     *         repeatedly, in any order), e.g. {@code cudaMemcpyAsync}; {@code null} for {@code null}
     */
    public static String baseName(String recorded) {
        if (recorded == null) {
            return null;
        }
        String s = recorded;
        while (true) {
            String t = SUFFIX.matcher(s).replaceFirst("");
            if (t.equals(s) || t.isEmpty()) {
                return s;
            }
            s = t;
        }
    }

    /** @return whether the base name is one of {@link #SYNCHRONIZATION_CALLS}. */
    public static boolean isSynchronization(String baseName) {
        return baseName != null && SYNC.contains(baseName);
    }

    /** @return whether the base name is one of {@link #LAUNCH_CALLS}. */
    public static boolean isLaunch(String baseName) {
        return baseName != null && LAUNCH.contains(baseName);
    }

    /** @return whether the base name is one of {@link #GRAPH_LAUNCH_CALLS}. */
    public static boolean isGraphLaunch(String baseName) {
        return baseName != null && GRAPH.contains(baseName);
    }

    /**
     * @return whether the name is a memcpy API call: it starts with {@code cudaMemcpy} or {@code cuMemcpy} (or
     *         {@code hipMemcpy}, extension); case-sensitive, so {@code cudaMemcpyAsync}, {@code cuMemcpyHtoD_v2},
     *         {@code cudaMemcpy2DToArray} count and {@code cudaMemset} does not
     */
    public static boolean isMemcpy(String name) {
        return name != null && (name.startsWith("cudaMemcpy") || name.startsWith("cuMemcpy")
                || name.startsWith("hipMemcpy"));
    }

    /** @return whether {@link #isMemcpy} and the name contains {@code Async} (any case). */
    public static boolean isAsyncMemcpy(String name) {
        return isMemcpy(name) && name.toLowerCase(Locale.ROOT).contains("async");
    }

    /**
     * The API predicate of the nsys {@code cuda_memcpy_async} expert rule, SQLite {@code LIKE 'cudaMemcpy%Async%'}
     * (ASCII case-insensitive; nsys-reference.md §8).
     */
    public static boolean matchesNsysAsyncMemcpyRule(String recorded) {
        return likePrefixThenContains(recorded, "cudamemcpy", "async");
    }

    /**
     * proflens' extension of that rule to the driver API, {@code LIKE 'cuMemcpy%Async%'}
     * ({@code cuMemcpyHtoDAsync_v2}, {@code cuMemcpyAsync}, ...), which nsys does not match.
     */
    public static boolean matchesDriverAsyncMemcpyExtension(String recorded) {
        return likePrefixThenContains(recorded, "cumemcpy", "async");
    }

    private static boolean likePrefixThenContains(String s, String prefix, String part) {
        if (s == null || s.length() < prefix.length()) {
            return false;
        }
        String l = s.toLowerCase(Locale.ROOT);
        return l.startsWith(prefix) && l.indexOf(part, prefix.length()) >= 0;
    }
}
