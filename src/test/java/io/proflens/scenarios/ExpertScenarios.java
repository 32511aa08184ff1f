package io.proflens.scenarios;

import io.proflens.demo.NsysExportWriter;
import io.proflens.demo.NsysExportWriter.Gpu;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Test fixtures: SYNTHETIC Nsight Systems exports, each reproducing one situation a performance expert described
 * in a sentence, so that analyses and rules can be tested against the expert's reading. Every method writes its
 * export(s) into a directory given by the caller (use a JUnit {@code @TempDir}) through {@link NsysExportWriter}
 * and returns the path(s). Output is deterministic: jitter comes from a {@link SplittableRandom} with a fixed seed
 * per scenario, and totals that the expert quotes are exact by construction (durations are drawn in pairs whose
 * jitter cancels, see {@link #exactDurations}).
 *
 * <p>Numbers are quoted as {@code nsys stats} computes them: {@code osrt_sum}/{@code cuda_api_sum} "Time (%)" is
 * the call group's share of the total time of all calls of that report, rounded to 0.1; "Avg" is total/calls;
 * {@code nvtx_sum} averages are over the ranges' durations. All times are ns on the session clock from
 * {@link #T0_NS}; sizes are bytes.
 */
public final class ExpertScenarios {
    /** Session-clock time of the first event of every scenario, ns. */
    public static final long T0_NS = 1_000_000_000L;

    /** PyTorch's {@code Tensor.copy_}/{@code .contiguous()} kernel for float tensors (TensorIterator, non-vectorized). */
    public static final String TORCH_COPY_KERNEL = "void at::native::elementwise_kernel<128, 2, "
            + "at::native::gpu_kernel_impl_nocast<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)"
            + "::{lambda()#3}::operator()() const::{lambda()#7}::operator()() const::{lambda(float)#1}>"
            + "(at::TensorIteratorBase&, at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}"
            + "::operator()() const::{lambda()#7}::operator()() const::{lambda(float)#1} const&)::{lambda(int)#1}>"
            + "(int, at::native::gpu_kernel_impl_nocast<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)"
            + "::{lambda()#3}::operator()() const::{lambda()#7}::operator()() const::{lambda(float)#1}>"
            + "(at::TensorIteratorBase&, at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}"
            + "::operator()() const::{lambda()#7}::operator()() const::{lambda(float)#1} const&)::{lambda(int)#1})";
    /** cuBLAS FP32 SGEMM, 128×64 tile, A transposed: the forward projections of the small transformer. */
    public static final String SGEMM_TN = "ampere_sgemm_128x64_tn";
    /** cuBLAS FP32 SGEMM used for the input gradients (dgrad). */
    public static final String SGEMM_NN = "ampere_sgemm_128x64_nn";
    /** cuBLAS FP32 SGEMM used for the weight gradients (wgrad). */
    public static final String SGEMM_NT = "ampere_sgemm_128x64_nt";
    /** cuBLAS Hopper BF16 tensor-core GEMM (xmma, split-K off) of the MoE experts. */
    public static final String XMMA_GEMM = "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_"
            + "warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas";
    /** cuBLASLt nvjet BF16 GEMM of the MoE experts. */
    public static final String NVJET_GEMM = "nvjet_tst_128x64_64x6_1x2_h_bz_coopA_NNT";

    private static final String AT = "at::native::";
    private static final String ANON = "at::native::(anonymous namespace)::";
    private static final String ARRAY2 = "at::detail::Array<char*, 2>";
    private static final String ARRAY3 = "at::detail::Array<char*, 3>";
    static final String POW = vectorized(ANON + "pow_tensor_scalar_kernel_impl<float, float>(at::TensorIteratorBase&, "
            + "float)::{lambda(float)#2}", ARRAY2);
    static final String MEAN = "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, "
            + "at::native::MeanOps<float, float, float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, "
            + "at::native::MeanOps<float, float, float, float>, unsigned int, float, 4>)";
    static final String SUM = "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, "
            + "at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()"
            + "(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4> >(at::native::ReduceOp<float, "
            + "at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()"
            + "(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4>)";
    static final String ADD_SCALAR = vectorized(AT + "AUnaryFunctor<float, float, float, "
            + "at::native::CUDAFunctor_add<float> >", ARRAY2);
    static final String RSQRT = vectorized(AT + "rsqrt_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() "
            + "const::{lambda()#5}::operator()() const::{lambda(float)#1}", ARRAY2);
    static final String MUL = vectorized(AT + "BinaryFunctor<float, float, float, "
            + "at::native::binary_internal::MulFunctor<float> >", ARRAY3);
    static final String ADD = vectorized(AT + "CUDAFunctor_add<float>", ARRAY3);
    static final String NEG = vectorized(AT + "neg_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() "
            + "const::{lambda()#8}::operator()() const::{lambda(float)#1}", ARRAY2);
    static final String CAT = "void at::native::(anonymous namespace)::CatArrayBatchedCopy<"
            + "at::native::(anonymous namespace)::OpaqueType<4u>, unsigned int, 4, 64, 64>("
            + "at::native::(anonymous namespace)::OpaqueType<4u>*, at::native::(anonymous namespace)::"
            + "CatArrInputTensorMetadata<at::native::(anonymous namespace)::OpaqueType<4u>, unsigned int, 64, 64>, "
            + "at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)";
    static final String SOFTMAX_FWD = "void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, float, "
            + "float, at::native::(anonymous namespace)::SoftMaxForwardEpilogue>(float*, float const*, int)";
    static final String SOFTMAX_BWD = "void at::native::(anonymous namespace)::cunn_SoftMaxBackward<4, float, float, "
            + "float, at::native::(anonymous namespace)::SoftMaxBackwardEpilogue>(float*, float const*, float const*, long)";
    static final String LOG_SOFTMAX_FWD = "void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, "
            + "float, float, at::native::(anonymous namespace)::LogSoftMaxForwardEpilogue>(float*, float const*, int)";
    static final String NLL_LOSS = "void at::native::(anonymous namespace)::nll_loss_forward_reduce_cuda_kernel_2d<"
            + "float, float, long>(float*, float*, float const*, long const*, float const*, bool, long, long, long, long)";
    static final String SILU = vectorized(ANON + "silu_kernel(at::TensorIteratorBase&)::{lambda()#1}::operator()() "
            + "const::{lambda()#5}::operator()() const::{lambda(float)#1}", ARRAY2);
    static final String SILU_BWD = vectorized(ANON + "silu_backward_kernel(at::TensorIteratorBase&)::{lambda()#1}"
            + "::operator()() const::{lambda()#5}::operator()() const::{lambda(float, float)#1}", ARRAY3);
    static final String ADAMW_LERP = multiTensorApply(3, ANON + "TernaryOpScalarFunctor<float, 3, 2, 0>",
            "at::native::LerpFunctor<float>, float");
    static final String ADAMW_MUL = multiTensorApply(2, ANON + "BinaryOpScalarFunctor<float, 2, 1, 1>",
            "std::multiplies<float>, float");
    static final String ADAMW_ADDCMUL = multiTensorApply(3, ANON + "PointwiseOpScalarFunctor<float, 3, 3, 0>",
            "std::multiplies<float>, float");
    static final String ADAMW_SQRT = multiTensorApply(2, ANON + "UnaryOpFunctor<float, 2, 1, 1>",
            ANON + "Sqrt<float>");
    static final String ADAMW_ADDCDIV = multiTensorApply(4, ANON + "PointwiseOpScalarListFunctor<float, 4, 3, 1>",
            "std::divides<float>");
    static final String TORCH_ADD_BF16 = vectorized(AT + "CUDAFunctor_add<c10::BFloat16>", ARRAY3);

    private static final String LAUNCH = "cudaLaunchKernel_v7000";
    private static final String MEMCPY = "cudaMemcpy_v3020";
    private static final String MEMCPY_ASYNC = "cudaMemcpyAsync_v3020";
    private static final String DEVICE_SYNC = "cudaDeviceSynchronize_v3020";
    private static final String STREAM_SYNC = "cudaStreamSynchronize_v3020";
    private static final int COMPUTE_STREAM = 7;
    private static final int COPY_STREAM = 13;

    private ExpertScenarios() {
    }

    /**
     * CPU-only MoE LoRA fine-tuning whose thread pool sleeps instead of working.
     *
     * <blockquote>"There is no GPU work at all. The OS runtime summary is dominated by {@code nanosleep}: 179,993
     * calls totalling 192 s, 1.07 ms on average, spread over 60 {@code pool-worker} threads, while the main thread
     * runs ten {@code lora_grad_step} ranges. The workers poll a queue with 1 ms sleeps instead of blocking on
     * it."</blockquote>
     *
     * <p>Process 31337 ({@code python3}): main thread 31337 and 60 workers {@code pool-worker-1..60} (tids
     * 31338..31397). {@code nanosleep}: exactly 179,993 calls, exactly 192,000,000,000 ns in total (avg
     * 1,066,708.1 ns), 3,000 per worker (2,993 on the last), with 2-6 µs between calls; two
     * {@code pthread_cond_timedwait} (~5 ms) per worker, one before and one after its sleeps. Main thread: ten
     * back-to-back NVTX ranges {@code lora_grad_step} spanning the run, each with 2 {@code read}, 1 {@code write},
     * 3 {@code ioctl} and 2 {@code mmap} calls (tens of µs). No CUDA tables, no GPU.
     *
     * @param dir existing directory; the file is {@code cpu-thread-pool.sqlite}
     * @return the export
     * @throws IOException if it cannot be written
     */
    public static Path cpuThreadPool(Path dir) throws IOException {
        final int pid = 31_337;
        final int workers = 60;
        final int sleeps = 179_993;
        final int perWorker = 3_000;
        SplittableRandom rng = new SplittableRandom(0xC0FFEE);
        long[] sleepNs = exactDurations(192_000_000_000L, sleeps, 300_000, rng);
        Path out = dir.resolve("cpu-thread-pool.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "cpuThreadPool");
            w.process(pid, "python3 finetune_moe_lora.py --device cpu (synthetic)");
            w.thread(pid, pid, "python3");
            long workersEnd = 0;
            int next = 0;
            for (int k = 0; k < workers; k++) {
                int tid = pid + 1 + k;
                w.thread(pid, tid, "pool-worker-" + (k + 1));
                long t = T0_NS + 40_000 + 1_000L * k;
                t = osWait(w, pid, tid, t, "pthread_cond_timedwait", 5_000_000 + rng.nextLong(0, 50_000));
                int n = Math.min(perWorker, sleeps - next);
                for (int i = 0; i < n; i++) {
                    long end = t + sleepNs[next++];
                    w.osRuntime(t, end, pid, tid, "nanosleep");
                    t = end + rng.nextLong(2_000, 6_001);
                }
                t = osWait(w, pid, tid, t, "pthread_cond_timedwait", 5_000_000 + rng.nextLong(0, 50_000));
                workersEnd = Math.max(workersEnd, t);
            }
            if (next != sleeps) {
                throw new IllegalStateException("nanosleep calls not all assigned: " + next);
            }
            final int steps = 10;
            final long gapNs = 200_000;
            long stepNs = (workersEnd + 1_000_000 - T0_NS) / steps - gapNs;
            long t = T0_NS;
            for (int s = 0; s < steps; s++) {
                long end = t + stepNs;
                w.nvtxRange(t, end, pid, pid, "lora_grad_step");
                long c = t + 50_000;
                String[] calls = {"read", "read", "mmap", "ioctl", "ioctl", "ioctl", "mmap", "write"};
                long[] base = {42_000, 38_000, 15_000, 8_000, 7_000, 9_000, 14_000, 25_000};
                for (int i = 0; i < calls.length; i++) {
                    long d = base[i] + rng.nextLong(0, 3_000);
                    w.osRuntime(c, c + d, pid, pid, calls[i]);
                    c += d + stepNs / 10;
                }
                t = end + gapNs;
            }
            return w.finish();
        }
    }

    /**
     * A GPU training benchmark run as three separate loops.
     *
     * <blockquote>"The benchmark times three loops separately: {@code forward_only} averages 131.5 ms,
     * {@code backward_only} 359.2 ms and {@code full_train_loop} 487.7 ms per iteration, so backward is 2.73×
     * forward."</blockquote>
     *
     * <p>Process 4000, main thread only, one H100. NVTX push/pop ranges on the main thread: five
     * {@code forward_only}, then five {@code backward_only}, then five {@code full_train_loop}, with means exactly
     * 131.5, 359.2 and 487.7 ms (individual iterations within ±1 ms), 3 ms between iterations and 50 ms between
     * loops. Inside each range: 24 / 64 / 96 {@code cudaLaunchKernel} calls (~5 µs) launching kernels on stream 7
     * that keep the GPU ~90 % busy, then a {@code cudaDeviceSynchronize} until the range ends.
     *
     * @param dir existing directory; the file is {@code nvtx-phases.sqlite}
     * @return the export
     * @throws IOException if it cannot be written
     */
    public static Path nvtxPhases(Path dir) throws IOException {
        final int pid = 4_000;
        SplittableRandom rng = new SplittableRandom(0xB0B);
        Path out = dir.resolve("nvtx-phases.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "nvtxPhases");
            w.process(pid, "python3 bench_train.py (synthetic)").thread(pid, pid, "python3").gpu(Gpu.h100(0));
            Host h = new Host(w, pid, pid, 0, T0_NS);
            String[] fwd = {XMMA_GEMM, TORCH_ADD_BF16, XMMA_GEMM};
            String[] bwd = {NVJET_GEMM, TORCH_ADD_BF16, NVJET_GEMM, NVJET_GEMM};
            String[] full = {XMMA_GEMM, TORCH_ADD_BF16, NVJET_GEMM, NVJET_GEMM, NVJET_GEMM,
                    multiTensorApply(2, ANON + "BinaryOpScalarFunctor<c10::BFloat16, 2, 1, 1>",
                            "std::multiplies<float>, float")};
            phase(h, rng, "forward_only", 131_500_000L, new long[] {-400_000, 700_000, -600_000, 300_000, 0}, 24, fwd);
            h.cpuNs += 50_000_000;
            phase(h, rng, "backward_only", 359_200_000L, new long[] {500_000, -300_000, 800_000, -900_000, -100_000},
                    64, bwd);
            h.cpuNs += 50_000_000;
            phase(h, rng, "full_train_loop", 487_700_000L, new long[] {-700_000, 200_000, 600_000, -400_000, 300_000},
                    96, full);
            return w.finish();
        }
    }

    private static void phase(Host h, SplittableRandom rng, String name, long meanNs, long[] offsetsNs, int launches,
            String[] kernels) throws IOException {
        long sum = 0;
        for (long o : offsetsNs) {
            sum += o;
        }
        if (sum != 0) {
            throw new IllegalStateException("offsets must cancel so the mean is exact");
        }
        for (long offset : offsetsNs) {
            long start = h.cpuNs;
            long end = start + meanNs + offset;
            h.w.nvtxRange(start, end, h.pid, h.tid, name);
            h.cpuNs = start + 20_000;
            long kernelNs = (end - start) * 9 / 10 / launches;
            for (int i = 0; i < launches; i++) {
                long d = kernelNs + rng.nextLong(-kernelNs / 20, kernelNs / 20 + 1);
                h.launch(kernels[i % kernels.length], COMPUTE_STREAM, 5_000 + rng.nextLong(0, 1_001), d, 2_500, 1_000);
                h.cpuNs += 2_000;
            }
            long syncEnd = end - 15_000;
            if (h.gpuReadyNs > syncEnd - 2_000) {
                throw new IllegalStateException("GPU work does not fit in " + name);
            }
            h.api(DEVICE_SYNC, syncEnd - h.cpuNs);
            h.cpuNs = end + 3_000_000;
        }
    }

    /**
     * Two GPUs in one process, driven with synchronous copies around small MoE expert GEMMs.
     *
     * <blockquote>"The CUDA API summary shows 2,708 host-to-device and 2,708 device-to-host {@code cudaMemcpy}
     * calls of 24 KiB on average from pinned memory; {@code cudaMemcpy} takes 38.7 % of the CUDA API time and
     * {@code cudaDeviceSynchronize} another 13.2 %, so more than half of the host's CUDA time is spent waiting on
     * tiny synchronous copies and syncs instead of launching expert GEMMs."</blockquote>
     *
     * <p>Process 5000 with two threads, 5000 driving GPU 0 and 5003 driving GPU 1 (both H100), stream 7 on each.
     * Each thread runs 677 iterations of: 2 {@code cudaMemcpy} HtoD (16 KiB and 32 KiB), 8 {@code cudaLaunchKernel}
     * (alternately {@link #XMMA_GEMM} and {@link #NVJET_GEMM}, 4.5-7 µs each), 1 {@code cudaDeviceSynchronize}
     * (with its synchronization row), 2 {@code cudaMemcpy} DtoH (20 KiB and 28 KiB); all copies pinned host
     * memory. CUDA API time is exactly 210,000,000 ns: {@code cudaMemcpy} 81,270,000 ns over 5,416 calls (38.7 %),
     * {@code cudaDeviceSynchronize} 27,720,000 ns over 1,354 calls (13.2 %), {@code cudaLaunchKernel} 101,010,000
     * ns over 10,832 calls (48.1 %). Copies average exactly 24,576 B in each direction.
     *
     * @param dir existing directory; the file is {@code multi-gpu-moe-memcpy.sqlite}
     * @return the export
     * @throws IOException if it cannot be written
     */
    public static Path multiGpuMoeMemcpy(Path dir) throws IOException {
        final int pid = 5_000;
        final int[] tids = {5_000, 5_003};
        final int iterations = 677;
        final int gpus = 2;
        SplittableRandom rng = new SplittableRandom(0x30E);
        long[] memcpyNs = exactDurations(81_270_000L, gpus * iterations * 4, 3_000, rng);
        long[] syncNs = exactDurations(27_720_000L, gpus * iterations, 4_000, rng);
        long[] launchNs = exactDurations(101_010_000L, gpus * iterations * 8, 2_000, rng);
        int mi = 0;
        int si = 0;
        int li = 0;
        Path out = dir.resolve("multi-gpu-moe-memcpy.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "multiGpuMoeMemcpy");
            w.process(pid, "python3 moe_expert_parallel.py (synthetic)");
            w.thread(pid, tids[0], "python3").thread(pid, tids[1], "Thread-1 (expert_worker)");
            w.gpu(Gpu.h100(0)).gpu(Gpu.h100(1));
            long[] correlation = {1};
            for (int g = 0; g < gpus; g++) {
                Host h = new Host(w, pid, tids[g], g, T0_NS + 7_000L * g);
                h.correlation = correlation;
                for (int it = 0; it < iterations; it++) {
                    h.copy(MEMCPY, memcpyNs[mi++], 16_384, NsysExportWriter.COPY_KIND_HTOD);
                    h.copy(MEMCPY, memcpyNs[mi++], 32_768, NsysExportWriter.COPY_KIND_HTOD);
                    for (int k = 0; k < 8; k++) {
                        h.launch(k % 2 == 0 ? XMMA_GEMM : NVJET_GEMM, COMPUTE_STREAM, launchNs[li++],
                                rng.nextLong(4_500, 7_001), 2_000, 800);
                        h.cpuNs += 1_000;
                    }
                    long syncStart = h.cpuNs;
                    if (h.gpuReadyNs + 300 > syncStart + syncNs[si]) {
                        throw new IllegalStateException("kernels outlast cudaDeviceSynchronize");
                    }
                    long corr = h.api(DEVICE_SYNC, syncNs[si++]);
                    w.synchronization(syncStart + 200, h.cpuNs - 300, g, COMPUTE_STREAM, corr, pid,
                            NsysExportWriter.SYNC_TYPE_CONTEXT);
                    h.cpuNs += 1_000;
                    h.copy(MEMCPY, memcpyNs[mi++], 20_480, NsysExportWriter.COPY_KIND_DTOH);
                    h.copy(MEMCPY, memcpyNs[mi++], 28_672, NsysExportWriter.COPY_KIND_DTOH);
                    h.cpuNs += rng.nextLong(40_000, 60_001); // routing in Python before the next micro-batch
                }
            }
            return w.finish();
        }
    }

    /**
     * A small-matrix transformer training step in eager PyTorch: many tiny unfused kernels.
     *
     * <blockquote>"In {@code forward} the top kernel by GPU time is {@code ampere_sgemm_128x64_tn}, a cuBLAS FP32
     * SGEMM with a 128×64 tile, but over forward and backward together it is PyTorch's
     * {@code direct_copy_kernel_cuda} {@code elementwise_kernel}: thousands of {@code .contiguous()} copies.
     * Softmax, RMSNorm ({@code pow}, {@code mean}, {@code rsqrt}, {@code mul}), RoPE ({@code mul}, {@code cat},
     * {@code add}) and AdamW ({@code multi_tensor_apply_kernel}) all run as separate 2-8 µs kernels behind ~5 µs
     * launches: the GPU waits for the CPU."</blockquote>
     *
     * <p>Process 6000, main thread, one A100, stream 7. Three iterations of an NVTX {@code train_step} range with
     * children {@code forward}, {@code backward} and {@code optimizer}; a two-layer model (RMSNorm, QKV projections,
     * RoPE, unfused attention with {@code cunn_SoftMaxForward}, o_proj, RMSNorm, SiLU MLP; final norm, LM head,
     * log-softmax and NLL loss), its backward (dgrad {@link #SGEMM_NN}, wgrad {@link #SGEMM_NT}, 30
     * {@link #TORCH_COPY_KERNEL} per layer) and a foreach AdamW step (14 {@code multi_tensor_apply_kernel}).
     * Per iteration, forward {@link #SGEMM_TN} = 128.9 µs vs copy 18 µs; over forward+backward copy 198 µs vs
     * {@link #SGEMM_TN} 128.9 µs (±3 % jitter per kernel, clamped to 2-8 µs). Every kernel lasts 2-8 µs, every launch 4.5-5.5 µs with
     * 3-6 µs of Python between launches, so the GPU keeps up and idles.
     *
     * @param dir existing directory; the file is {@code transformer-training.sqlite}
     * @return the export
     * @throws IOException if it cannot be written
     */
    public static Path transformerTraining(Path dir) throws IOException {
        final int pid = 6_000;
        SplittableRandom rng = new SplittableRandom(0x7F);
        Path out = dir.resolve("transformer-training.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "transformerTraining");
            w.process(pid, "python3 train_tiny_llama.py (synthetic)").thread(pid, pid, "python3").gpu(Gpu.a100(0));
            Host h = new Host(w, pid, pid, 0, T0_NS);
            for (int it = 0; it < 3; it++) {
                long stepStart = h.cpuNs;
                h.cpuNs += 15_000;
                tinyRange(h, rng, "forward", forwardKernels());
                tinyRange(h, rng, "backward", backwardKernels());
                tinyRange(h, rng, "optimizer", optimizerKernels());
                long stepEnd = h.cpuNs + 10_000;
                w.nvtxRange(stepStart, stepEnd, pid, pid, "train_step");
                h.cpuNs = stepEnd + 500_000; // data loader: next batch
            }
            return w.finish();
        }
    }

    private static void tinyRange(Host h, SplittableRandom rng, String name, List<Object[]> kernels)
            throws IOException {
        // The range starts once the GPU has drained the previous one, so kernels belong to their range by both
        // launch time and execution time.
        long start = Math.max(h.cpuNs, h.gpuReadyNs + 2_000);
        h.cpuNs = start + 8_000;
        for (Object[] k : kernels) {
            long base = (Long) k[1];
            long d = Math.min(8_000, Math.max(2_000, base + rng.nextLong(-base * 3 / 100, base * 3 / 100 + 1)));
            h.launch((String) k[0], COMPUTE_STREAM, rng.nextLong(4_500, 5_501), d, 2_000, 600);
            h.cpuNs += rng.nextLong(3_000, 6_001);
        }
        long end = h.cpuNs + 10_000;
        h.w.nvtxRange(start, end, h.pid, h.tid, name);
        h.cpuNs = end + 30_000;
    }

    private static List<Object[]> forwardKernels() {
        List<Object[]> k = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            rmsNorm(k);
            add(k, SGEMM_TN, 7_500, 3);                   // q, k, v projections
            for (int qk = 0; qk < 2; qk++) {              // RoPE on q and k: x*cos + rotate_half(x)*sin
                add(k, MUL, 2_600, 1);
                add(k, NEG, 2_400, 1);
                add(k, CAT, 3_400, 1);
                add(k, MUL, 2_600, 1);
                add(k, ADD, 2_500, 1);
            }
            add(k, TORCH_COPY_KERNEL, 3_000, 2);          // k.transpose().contiguous(), v.contiguous()
            add(k, SGEMM_TN, 7_200, 1);                   // q @ k^T
            add(k, SOFTMAX_FWD, 5_200, 1);
            add(k, SGEMM_NN, 6_800, 1);                   // p @ v
            add(k, TORCH_COPY_KERNEL, 3_000, 1);          // transpose back, contiguous
            add(k, SGEMM_TN, 7_500, 1);                   // o_proj
            add(k, ADD, 2_500, 1);                        // residual
            rmsNorm(k);
            add(k, SGEMM_TN, 7_800, 2);                   // gate, up
            add(k, SILU, 3_000, 1);
            add(k, MUL, 2_800, 1);
            add(k, SGEMM_TN, 7_800, 1);                   // down
            add(k, ADD, 2_500, 1);                        // residual
        }
        rmsNorm(k);
        add(k, SGEMM_TN, 7_700, 1);                       // LM head
        add(k, LOG_SOFTMAX_FWD, 5_000, 1);
        add(k, NLL_LOSS, 4_000, 1);
        return k;
    }

    private static void rmsNorm(List<Object[]> k) {
        add(k, POW, 3_000, 1);
        add(k, MEAN, 4_500, 1);
        add(k, ADD_SCALAR, 2_500, 1);
        add(k, RSQRT, 2_500, 1);
        add(k, MUL, 2_800, 2);
    }

    private static List<Object[]> backwardKernels() {
        List<Object[]> k = new ArrayList<>();
        add(k, SGEMM_NN, 7_700, 1);                       // LM head dgrad
        add(k, SGEMM_NT, 7_700, 1);                       // LM head wgrad
        for (int layer = 0; layer < 2; layer++) {
            add(k, SGEMM_NN, 7_500, 7);
            add(k, SGEMM_NT, 7_500, 7);
            add(k, TORCH_COPY_KERNEL, 3_000, 30);
            add(k, SOFTMAX_BWD, 5_500, 1);
            add(k, SILU_BWD, 3_200, 1);
            add(k, MUL, 2_800, 10);
            add(k, SUM, 4_500, 2);
            add(k, ADD, 2_500, 6);
        }
        return k;
    }

    private static List<Object[]> optimizerKernels() {
        List<Object[]> k = new ArrayList<>();
        for (int chunk = 0; chunk < 2; chunk++) {
            add(k, ADAMW_MUL, 4_000, 1);                  // decoupled weight decay: p *= 1 - lr * wd
            add(k, ADAMW_LERP, 6_000, 1);                 // exp_avg.lerp_(grad, 1 - beta1)
            add(k, ADAMW_MUL, 4_000, 1);                  // exp_avg_sq *= beta2
            add(k, ADAMW_ADDCMUL, 6_500, 1);              // exp_avg_sq.addcmul_(grad, grad, 1 - beta2)
            add(k, ADAMW_SQRT, 4_500, 1);
            add(k, ADAMW_MUL, 4_000, 1);                  // / bias correction, + eps
            add(k, ADAMW_ADDCDIV, 7_500, 1);              // p.addcdiv_(exp_avg, denom, -step_size)
        }
        return k;
    }

    private static void add(List<Object[]> kernels, String name, long ns, int times) {
        for (int i = 0; i < times; i++) {
            kernels.add(new Object[] {name, ns});
        }
    }

    /**
     * Inference decode on {@code ranks} GPUs, one export per rank, with a fixed host-side bubble per step.
     *
     * <blockquote>"Every rank shows the same pattern: each {@code forward} keeps the GPU busy for about 4 ms with
     * 40 back-to-back kernels, then the GPU sits idle for 1.3 ms until the next forward's first kernel, while the
     * CPU synchronizes and samples. That 1.3 ms bubble per token is about a quarter of every decode step."</blockquote>
     *
     * <p>Rank {@code r}: process {@code 7000 + r} (main thread only), device {@code r} (an H100), stream 7. Twelve
     * NVTX {@code forward} ranges, each launching 40 kernels (four layers of fused-add RMSNorm, QKV nvjet GEMM,
     * a BF16 add, flash-attention split-KV and combine, o_proj, RMSNorm, gate/up GEMM, SiLU-and-mul, down GEMM; about
     * 4.0 ms in total, 1 µs apart on the GPU); then {@code cudaStreamSynchronize} until the last kernel ends (with
     * its synchronization row) and an NVTX {@code sampling} range on the CPU. The first kernel of forward
     * {@code i+1} starts exactly 1,300,000 ns after the last kernel of forward {@code i} ends, on every rank.
     * Kernel durations vary by ±3 % with a per-rank seed.
     *
     * @param dir   existing directory; files are {@code decode-rank<r>.sqlite}
     * @param ranks number of ranks, 1..64
     * @return the exports, by rank
     * @throws IOException              if one cannot be written
     * @throws IllegalArgumentException if {@code ranks} is out of range
     */
    public static List<Path> decodeRanks(Path dir, int ranks) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (ranks < 1 || ranks > 64) {
            throw new IllegalArgumentException("ranks must be 1..64: " + ranks);
        }
        List<Path> files = new ArrayList<>(ranks);
        for (int r = 0; r < ranks; r++) {
            files.add(decodeRank(dir, r));
        }
        return List.copyOf(files);
    }

    /** GPU idle time between two forwards of {@link #decodeRanks}, ns. */
    public static final long DECODE_IDLE_NS = 1_300_000L;

    private static Path decodeRank(Path dir, int rank) throws IOException {
        final int pid = 7_000 + rank;
        SplittableRandom rng = new SplittableRandom(0xDEC0DE + rank);
        String rmsAdd = "void vllm::fused_add_rms_norm_kernel<c10::BFloat16, (int)8>(c10::BFloat16 *, "
                + "c10::BFloat16 *, const c10::BFloat16 *, float, int, int)";
        String rms = "void vllm::rms_norm_kernel<c10::BFloat16, (int)8>(c10::BFloat16 *, const c10::BFloat16 *, "
                + "const c10::BFloat16 *, float, int, int)";
        String flash = "void flash::flash_fwd_splitkv_kernel<Flash_fwd_kernel_traits<128, 64, 128, 4, false, false, "
                + "cutlass::bfloat16_t, Flash_kernel_traits<128, 64, 128, 4, cutlass::bfloat16_t> >, false, false, "
                + "false, false, true, true, false, false>(flash::Flash_fwd_params)";
        String combine = "void flash::flash_fwd_splitkv_combine_kernel<Flash_fwd_kernel_traits<128, 64, 128, 4, false, "
                + "false, cutlass::bfloat16_t, Flash_kernel_traits<128, 64, 128, 4, cutlass::bfloat16_t> >, 4, 1, "
                + "true>(flash::Flash_fwd_params)";
        String actMul = "void vllm::act_and_mul_kernel<c10::BFloat16, &(c10::BFloat16 vllm::silu_kernel<"
                + "c10::BFloat16>(const c10::BFloat16 &)), (bool)1>(c10::BFloat16 *, const c10::BFloat16 *, int)";
        Object[][] layer = {
            {rmsAdd, 40_000L}, {"nvjet_tst_64x8_64x16_4x1_v_bz_splitK_TNT", 150_000L}, {TORCH_ADD_BF16, 30_000L},
            {flash, 180_000L}, {combine, 40_000L}, {"nvjet_tst_128x64_64x8_2x1_v_bz_TNT", 120_000L}, {rms, 40_000L},
            {"nvjet_tst_128x256_64x4_2x1_v_bz_coopA_TNT", 220_000L}, {actMul, 50_000L},
            {"nvjet_tst_128x64_64x8_2x1_v_bz_TNN", 130_000L}};
        Path out = dir.resolve("decode-rank" + rank + ".sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "decodeRanks");
            w.metadata("PROFLENS_RANK", Integer.toString(rank));
            w.process(pid, "python3 -m vllm.entrypoints.openai.api_server (synthetic, rank " + rank + ")");
            w.thread(pid, pid, "python3").gpu(Gpu.h100(rank));
            Host h = new Host(w, pid, pid, rank, T0_NS);
            long nextFirstKernelNs = -1;
            for (int f = 0; f < 12; f++) {
                long forwardStart;
                if (nextFirstKernelNs < 0) {
                    forwardStart = h.cpuNs;
                    h.cpuNs = forwardStart + 12_000;
                } else {
                    // Work back from the kernel start that makes the idle gap exact: launch ends 3 µs before it.
                    long apiStart = nextFirstKernelNs - 3_000 - 5_000;
                    forwardStart = apiStart - 12_000;
                    h.w.nvtxRange(h.cpuNs, forwardStart - 6_000, pid, pid, "sampling");
                    h.cpuNs = apiStart;
                }
                for (int l = 0; l < 4; l++) {
                    for (int i = 0; i < layer.length; i++) {
                        long base = (Long) layer[i][1];
                        long d = base + rng.nextLong(-base * 3 / 100, base * 3 / 100 + 1);
                        boolean first = l == 0 && i == 0;
                        long queue = first ? 3_000 : 2_000;
                        h.launch((String) layer[i][0], COMPUTE_STREAM, 5_000, d, queue, 1_000);
                        if (first && nextFirstKernelNs >= 0 && h.lastKernelStartNs != nextFirstKernelNs) {
                            throw new IllegalStateException("first kernel not at the planned time");
                        }
                        h.cpuNs += 2_000;
                    }
                }
                long forwardEnd = h.cpuNs + 13_000;
                w.nvtxRange(forwardStart, forwardEnd, pid, pid, "forward");
                h.cpuNs = forwardEnd + 5_000;
                long syncStart = h.cpuNs;
                long lastKernelEnd = h.gpuReadyNs;
                long corr = h.api(STREAM_SYNC, lastKernelEnd + 6_000 - syncStart);
                w.synchronization(lastKernelEnd + 1_000, lastKernelEnd + 4_000, rank, COMPUTE_STREAM, corr, pid,
                        NsysExportWriter.SYNC_TYPE_STREAM);
                h.cpuNs += 4_000;
                nextFirstKernelNs = lastKernelEnd + DECODE_IDLE_NS;
            }
            w.nvtxRange(h.cpuNs, h.cpuNs + 1_200_000, pid, pid, "sampling");
            return w.finish();
        }
    }

    /**
     * A negative control: a healthy training loop that no rule should flag.
     *
     * <blockquote>"Nothing to fix here: the GPU is busy more than 95 % of the time with back-to-back kernels, the
     * CPU launches well ahead of it, steps take a stable 10 ms, the few copies are large and pinned, and nothing
     * synchronizes or waits in the OS."</blockquote>
     *
     * <p>Process 8000, main thread, one H100. Ten NVTX {@code step} ranges of 10 ms ± 10 µs, 10.1 ms apart; each
     * starts with one 64 MiB pinned {@code cudaMemcpyAsync} HtoD on stream 13 (~2.7 ms on the copy engine) and 50
     * {@code cudaLaunchKernel} calls (~4.5 µs, 15 µs apart) of kernels on stream 7 summing to ~10.05 ms (1 µs
     * apart), so the queue hardly ever drains (GPU > 99 % busy) and most kernels start milliseconds after their launch. No
     * synchronization calls, no OS runtime table.
     *
     * @param dir existing directory; the file is {@code healthy.sqlite}
     * @return the export
     * @throws IOException if it cannot be written
     */
    public static Path healthy(Path dir) throws IOException {
        final int pid = 8_000;
        SplittableRandom rng = new SplittableRandom(0x600D);
        Object[][] step = {
            {NVJET_GEMM, 260_000L}, {"void flash::flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4, false, "
                    + "false, cutlass::bfloat16_t, Flash_kernel_traits<128, 128, 64, 4, cutlass::bfloat16_t> >, "
                    + "false, true, false, false, false, true, false, false>(flash::Flash_fwd_params)", 200_000L},
            {XMMA_GEMM, 240_000L}, {TORCH_ADD_BF16, 40_000L}, {"nvjet_tst_128x256_64x4_2x1_v_bz_coopA_TNT",
                    265_000L}};
        Path out = dir.resolve("healthy.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(out)) {
            w.metadata("PROFLENS_SCENARIO", "healthy");
            w.process(pid, "python3 train.py (synthetic)").thread(pid, pid, "python3").gpu(Gpu.h100(0));
            Host h = new Host(w, pid, pid, 0, T0_NS);
            for (int s = 0; s < 10; s++) {
                long start = T0_NS + 10_100_000L * s;
                long end = start + 10_000_000 + rng.nextLong(-10_000, 10_001);
                w.nvtxRange(start, end, pid, pid, "step");
                h.cpuNs = start + 10_000;
                h.copyAsync(64L << 20, 2_700_000 + rng.nextLong(0, 20_001));
                for (int k = 0; k < 50; k++) {
                    Object[] kern = step[k % step.length];
                    long base = (Long) kern[1];
                    long d = base + rng.nextLong(-base / 100, base / 100 + 1);
                    h.launch((String) kern[0], COMPUTE_STREAM, 4_500 + rng.nextLong(0, 501), d, 2_000, 1_000);
                    h.cpuNs += 10_000;
                }
            }
            return w.finish();
        }
    }

    /**
     * {@code n} positive durations summing to exactly {@code totalNs}: the quotient, the remainder spread one ns
     * at a time over the first calls, then consecutive pairs shifted by {@code +j} and {@code -j} with {@code j}
     * uniform in [-jitterNs, jitterNs], so the sum never changes.
     *
     * @throws IllegalArgumentException if the jitter could make a duration non-positive
     */
    static long[] exactDurations(long totalNs, int n, long jitterNs, SplittableRandom rng) {
        long base = totalNs / n;
        long rem = totalNs % n;
        if (base - jitterNs <= 0) {
            throw new IllegalArgumentException("jitter too large for the mean");
        }
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = base + (i < rem ? 1 : 0);
        }
        for (int i = 0; i + 1 < n; i += 2) {
            long j = rng.nextLong(-jitterNs, jitterNs + 1);
            d[i] += j;
            d[i + 1] -= j;
        }
        return d;
    }

    private static long osWait(NsysExportWriter w, int pid, int tid, long t, String name, long ns) throws IOException {
        w.osRuntime(t, t + ns, pid, tid, name);
        return t + ns + 3_000;
    }

    private static String vectorized(String functor, String array) {
        return "void at::native::vectorized_elementwise_kernel<4, " + functor + ", " + array + " >(int, " + functor
                + ", " + array + ")";
    }

    private static String multiTensorApply(int lists, String functor, String op) {
        String meta = ANON + "TensorListMetadata<" + lists + ">";
        return "void " + ANON + "multi_tensor_apply_kernel<" + meta + ", " + functor + ", " + op + ">(" + meta + ", "
                + functor + ", " + op + ")";
    }

    /**
     * One host thread driving one GPU stream set: a CPU clock, the time the GPU's compute stream is free, and the
     * process's correlation-id counter (shared between the threads of one process). Not static: one per thread.
     */
    private static final class Host {
        final NsysExportWriter w;
        final int pid;
        final int tid;
        final int device;
        long cpuNs;
        long gpuReadyNs;
        long copyReadyNs;
        long lastKernelStartNs;
        long[] correlation = {1};

        Host(NsysExportWriter w, int pid, int tid, int device, long cpuNs) {
            this.w = w;
            this.pid = pid;
            this.tid = tid;
            this.device = device;
            this.cpuNs = cpuNs;
            this.gpuReadyNs = cpuNs;
            this.copyReadyNs = cpuNs;
        }

        /** A CUDA API call of {@code ns} at the CPU clock; advances the clock. @return its correlation id */
        long api(String name, long ns) throws IOException {
            long corr = correlation[0]++;
            w.cudaApi(cpuNs, cpuNs + ns, pid, tid, name, corr);
            cpuNs += ns;
            return corr;
        }

        /**
         * {@code cudaLaunchKernel} of {@code apiNs}, then the kernel of {@code kernelNs} on {@code stream}, starting
         * {@code afterLaunchNs} after the call returns or {@code afterPreviousNs} after the stream's previous kernel,
         * whichever is later.
         */
        void launch(String kernel, int stream, long apiNs, long kernelNs, long afterLaunchNs, long afterPreviousNs)
                throws IOException {
            long corr = api(LAUNCH, apiNs);
            long start = Math.max(cpuNs + afterLaunchNs, gpuReadyNs + afterPreviousNs);
            w.kernel(start, start + kernelNs, device, stream, corr, pid, kernel);
            lastKernelStartNs = start;
            gpuReadyNs = start + kernelNs;
        }

        /** Synchronous {@code cudaMemcpy} of pinned memory on the compute stream; the copy runs inside the call. */
        void copy(String api, long apiNs, long bytes, int copyKind) throws IOException {
            long callStart = cpuNs;
            long corr = api(api, apiNs);
            long start = Math.max(callStart + 2_000, gpuReadyNs + 500);
            long end = start + 1_000 + bytes / 20;    // ~20 GB/s over PCIe plus setup
            if (end > cpuNs - 500) {
                throw new IllegalStateException("copy does not fit in its synchronous call");
            }
            boolean htod = copyKind == NsysExportWriter.COPY_KIND_HTOD;
            w.memcpy(start, end, device, COMPUTE_STREAM, corr, pid, bytes, copyKind,
                    htod ? NsysExportWriter.MEM_KIND_PINNED : NsysExportWriter.MEM_KIND_DEVICE,
                    htod ? NsysExportWriter.MEM_KIND_DEVICE : NsysExportWriter.MEM_KIND_PINNED);
            gpuReadyNs = end;
            cpuNs += 1_000;
        }

        /** {@code cudaMemcpyAsync} HtoD of pinned memory on the copy stream (overlaps compute). */
        void copyAsync(long bytes, long copyNs) throws IOException {
            long corr = api(MEMCPY_ASYNC, 9_000);
            long start = Math.max(cpuNs + 2_000, copyReadyNs + 1_000);
            w.memcpy(start, start + copyNs, device, COPY_STREAM, corr, pid, bytes, NsysExportWriter.COPY_KIND_HTOD,
                    NsysExportWriter.MEM_KIND_PINNED, NsysExportWriter.MEM_KIND_DEVICE);
            copyReadyNs = start + copyNs;
            cpuNs += 3_000;
        }
    }
}
