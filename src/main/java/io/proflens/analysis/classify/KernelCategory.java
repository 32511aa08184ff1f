package io.proflens.analysis.classify;

/**
 * What a GPU kernel does, as decided by {@link KernelClassifier} from its (demangled) name.
 *
 * <p>Every category except {@link #COMMUNICATION}, {@link #MEMCPY} and {@link #MEMSET} is
 * {@linkplain #isCompute() compute}: time spent in it is time the SMs do arithmetic or on-device data
 * movement for the model, as opposed to waiting on or moving data between devices.
 */
public enum KernelCategory {
    /** Dense matrix multiply and GEMM-like kernels: cuBLAS/cuBLASLt (sgemm, hgemm, gemv, nvjet), CUTLASS, xmma,
     *  rocBLAS/hipBLASLt Tensile, and convolutions, which run as implicit GEMM (there is no separate convolution
     *  category). */
    GEMM("GEMM"),
    /** Fused attention: FlashAttention, FMHA / memory-efficient attention, MLA, SDPA, paged attention. */
    ATTENTION("attention"),
    /** Inter-GPU communication: NCCL/RCCL collectives and send/recv, custom all-reduce, NVLS multimem, MoE
     *  expert-parallel dispatch/combine. Never compute, even when the kernel reduces data on the way. */
    COMMUNICATION("communication"),
    /** Pointwise kernels: arithmetic, comparisons, fill, where, clamp, casts that compute, random numbers. */
    ELEMENTWISE("elementwise"),
    /** On-device data movement: copy/contiguous, transpose/permute, cat, gather/scatter/indexing, layout reformat. */
    COPY("copy"),
    /** Reductions (sum, mean, max, norms, argmax, losses), pooling, scans, sorts and top-k. */
    REDUCTION("reduction"),
    /** LayerNorm, RMSNorm, GroupNorm, BatchNorm, forward and backward. */
    NORMALIZATION("normalization"),
    /** Activation functions: SiLU, GELU, ReLU (and its backward threshold kernel), sigmoid, tanh, SwiGLU. */
    ACTIVATION("activation"),
    /** Softmax and log-softmax, forward and backward (not the softmax inside fused attention). */
    SOFTMAX("softmax"),
    /** Embedding lookups (nn.Embedding, FBGEMM table-batched embeddings, including their fused backward update). */
    EMBEDDING("embedding"),
    /** Optimizer steps: multi_tensor_apply / foreach kernels, Adam, Adagrad, SGD. */
    OPTIMIZER("optimizer"),
    /** A memory copy that shows up as a kernel (not a copy-engine transfer). Not compute. */
    MEMCPY("memcpy"),
    /** A memory set that shows up as a kernel. Not compute. */
    MEMSET("memset"),
    /** No rule matched. */
    OTHER("other");

    private final String label;

    KernelCategory(String label) {
        this.label = label;
    }

    /** @return the display name: "GEMM", "attention", "communication", ... */
    public String label() {
        return label;
    }

    /** @return false for {@link #COMMUNICATION}, {@link #MEMCPY} and {@link #MEMSET}, true otherwise */
    public boolean isCompute() {
        return this != COMMUNICATION && this != MEMCPY && this != MEMSET;
    }

    /**
     * Parses a rule-file category: a constant name or a {@link #label()}, case-insensitive.
     *
     * @return the category, or null if the text names none
     */
    static KernelCategory parse(String text) {
        String t = text.trim();
        for (KernelCategory c : values()) {
            if (c.name().equalsIgnoreCase(t) || c.label.equalsIgnoreCase(t)) {
                return c;
            }
        }
        return null;
    }
}
