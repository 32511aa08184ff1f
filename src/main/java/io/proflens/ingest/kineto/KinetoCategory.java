package io.proflens.ingest.kineto;

import java.util.Locale;
import java.util.Map;

/**
 * Kineto event categories ({@code cat}) and where they go in the model. Matching is case-insensitive and accepts
 * the capitalised names of 2021 Kineto ({@code Operator}, {@code Runtime}, {@code Kernel}, {@code Memcpy},
 * {@code Memset}, {@code Python}, {@code Memory}, {@code Trace}; torch-tb-profiler's {@code EventTypeMap},
 * kineto-reference.md §2.10). On ROCm the HIP calls use the same {@code cuda_runtime}/{@code cuda_driver}
 * categories (§2.3); {@code hip_runtime}/{@code hip_driver} are accepted as aliases.
 */
enum KinetoCategory {
    KERNEL("kernel"),
    MEMCPY("gpu_memcpy"),
    MEMSET("gpu_memset"),
    CUDA_RUNTIME("cuda_runtime"),
    CUDA_DRIVER("cuda_driver"),
    CUDA_SYNC("cuda_sync"),
    USER_ANNOTATION("user_annotation"),
    GPU_USER_ANNOTATION("gpu_user_annotation"),
    CPU_OP("cpu_op"),
    PYTHON_FUNCTION("python_function"),
    // known, deliberately not mapped (counted as an INFO issue, event.not_imported)
    /** {@code [memory]} allocation instants. */
    CPU_INSTANT_EVENT("cpu_instant_event"),
    /** The span of the whole capture ({@code PyTorch Profiler (0)}). */
    TRACE_SPAN("Trace"),
    /** Profiler overhead ({@code Buffer Flush}). */
    OVERHEAD("overhead"),
    /** CUPTI range-profiler counters, one event per kernel. */
    CUDA_PROFILER_RANGE("cuda_profiler_range"),
    /** A category proflens does not know: kept out and counted by name as a WARNING. */
    UNKNOWN("?");

    private static final Map<String, KinetoCategory> BY_LOWER_NAME = Map.ofEntries(
            Map.entry("kernel", KERNEL),
            Map.entry("gpu_memcpy", MEMCPY),
            Map.entry("memcpy", MEMCPY),
            Map.entry("gpu_memset", MEMSET),
            Map.entry("memset", MEMSET),
            Map.entry("cuda_runtime", CUDA_RUNTIME),
            Map.entry("runtime", CUDA_RUNTIME),
            Map.entry("hip_runtime", CUDA_RUNTIME),
            Map.entry("cuda_driver", CUDA_DRIVER),
            Map.entry("driver", CUDA_DRIVER),
            Map.entry("hip_driver", CUDA_DRIVER),
            Map.entry("cuda_sync", CUDA_SYNC),
            Map.entry("user_annotation", USER_ANNOTATION),
            Map.entry("gpu_user_annotation", GPU_USER_ANNOTATION),
            Map.entry("cpu_op", CPU_OP),
            Map.entry("operator", CPU_OP),
            Map.entry("python_function", PYTHON_FUNCTION),
            Map.entry("python", PYTHON_FUNCTION),
            Map.entry("cpu_instant_event", CPU_INSTANT_EVENT),
            Map.entry("memory", CPU_INSTANT_EVENT),
            Map.entry("trace", TRACE_SPAN),
            Map.entry("overhead", OVERHEAD),
            Map.entry("cuda_profiler_range", CUDA_PROFILER_RANGE));

    private final String canonical;

    KinetoCategory(String canonical) {
        this.canonical = canonical;
    }

    /** @return the category name as current Kineto writes it (the NVTX domain name of CPU ranges). */
    String canonical() {
        return canonical;
    }

    /** @return whether rows of this category end up in a table of the model. */
    boolean imported() {
        return ordinal() <= PYTHON_FUNCTION.ordinal();
    }

    /** @return the category of a complete ({@code X}) event with this {@code cat}; {@code null} → {@link #UNKNOWN}. */
    static KinetoCategory of(String cat) {
        if (cat == null) {
            return UNKNOWN;
        }
        KinetoCategory c = BY_LOWER_NAME.get(cat);
        if (c == null) {
            c = BY_LOWER_NAME.get(cat.toLowerCase(Locale.ROOT));
        }
        return c == null ? UNKNOWN : c;
    }
}
