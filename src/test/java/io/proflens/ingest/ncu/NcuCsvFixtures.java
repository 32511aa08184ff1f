package io.proflens.ingest.ncu;

import io.proflens.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test inputs for the ncu reader: the real files of ../shared/data/nsys/llmperfopt-deepseek-ocr-rtx5090/ncu and a
 * generated {@code --page details} CSV (same header, quoting and trailing comma as the real one) with the two kernels
 * quoted in issue 7:
 * "gemmSN_TN 31.65 µs, memory and compute throughput 79%, achieved occupancy 39.9% of a theoretical 50% — limited by
 * 13.82 KB shared memory per block; 1 full wave + 87 blocks" and "ampere_sgemm_64x32_sliced1x4_tn: compute 52%,
 * occupancy 30.6% of 33.3%, 82 registers per thread". The launch numbers around the quotes are those of an sm_86 GPU
 * (82 SMs, 48 warps and 64 K registers per SM, 100 KB shared memory carve-out), chosen so that ncu's occupancy
 * arithmetic gives exactly the quoted values: 6 blocks of 4 warps = 24 of 48 warps = 50%; 2 blocks of 8 warps = 16 of
 * 48 = 33.3%; 82 × 6 = 492 blocks per wave, 579 = 492 + 87 blocks.
 */
public final class NcuCsvFixtures {
    public static final String HEADER = "\"ID\",\"Process ID\",\"Process Name\",\"Host Name\",\"Kernel Name\","
            + "\"Context\",\"Stream\",\"Block Size\",\"Grid Size\",\"Device\",\"CC\",\"Section Name\",\"Metric Name\","
            + "\"Metric Unit\",\"Metric Value\",\"Rule Name\",\"Rule Type\",\"Rule Description\","
            + "\"Estimated Speedup Type\",\"Estimated Speedup\"";
    public static final String GEMM_SN = "void gemmSN_TN_kernel<float, 128, 16, 2, 4, 4, 4, true, "
            + "cublasGemvTensorStridedBatched<const float>, cublasGemvTensorStridedBatched<float>>(cublasGemmSmallNParams<"
            + "const float, float, float>)";
    public static final String SGEMM = "ampere_sgemm_64x32_sliced1x4_tn";
    public static final int SMS = 82;

    private NcuCsvFixtures() {
    }

    /** @return the real ncu directory */
    public static Path realDir() {
        return TestData.nsys("llmperfopt-deepseek-ocr-rtx5090/ncu");
    }

    /** @return the real CSV files whose name starts with {@code prefix} ("kernel_0001", "" for all), sorted */
    public static List<Path> real(String prefix) {
        try (Stream<Path> s = Files.list(realDir())) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".csv"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the real details page of kernel 1 or 2 */
    public static Path realDetails(int kernel) {
        return real(String.format("kernel_%04d", kernel)).stream()
                .filter(p -> p.toString().endsWith("__ncu.details.csv")).findFirst().orElseThrow();
    }

    /** Writes the generated details CSV of the two quoted kernels into {@code dir}. */
    public static Path writeQuotedKernels(Path dir) {
        List<String> lines = new ArrayList<>();
        lines.add("==PROF== Connected to process 4242 (/usr/bin/python3.10)");
        lines.add(HEADER);
        String k1 = "\"0\",\"4242\",\"python3.10\",\"127.0.0.1\",\"" + GEMM_SN.replace("\"", "\"\"")
                + "\",\"1\",\"7\",\"(128, 1, 1)\",\"(579, 1, 1)\",\"0\",\"8.6\",";
        String[][] m1 = {
            {"GPU Speed Of Light Throughput", "DRAM Frequency", "cycle/nsecond", "9.50"},
            {"GPU Speed Of Light Throughput", "SM Frequency", "cycle/nsecond", "1.39"},
            {"GPU Speed Of Light Throughput", "Elapsed Cycles", "cycle", "43,994"},
            {"GPU Speed Of Light Throughput", "Memory Throughput", "%", "79.31"},
            {"GPU Speed Of Light Throughput", "DRAM Throughput", "%", "41.20"},
            {"GPU Speed Of Light Throughput", "Duration", "usecond", "31.65"},
            {"GPU Speed Of Light Throughput", "L1/TEX Cache Throughput", "%", "79.31"},
            {"GPU Speed Of Light Throughput", "L2 Cache Throughput", "%", "35.60"},
            {"GPU Speed Of Light Throughput", "SM Active Cycles", "cycle", "41,203.55"},
            {"GPU Speed Of Light Throughput", "Compute (SM) Throughput", "%", "79.04"},
            {"Launch Statistics", "Block Size", "", "128"},
            {"Launch Statistics", "Function Cache Configuration", "", "CachePreferNone"},
            {"Launch Statistics", "Grid Size", "", "579"},
            {"Launch Statistics", "Registers Per Thread", "register/thread", "56"},
            {"Launch Statistics", "Shared Memory Configuration Size", "Kbyte", "102.40"},
            {"Launch Statistics", "Driver Shared Memory Per Block", "Kbyte/block", "1.02"},
            {"Launch Statistics", "Dynamic Shared Memory Per Block", "byte/block", "0"},
            {"Launch Statistics", "Static Shared Memory Per Block", "Kbyte/block", "13.82"},
            {"Launch Statistics", "Threads", "thread", "74,112"},
            {"Launch Statistics", "Waves Per SM", "", "1.18"},
            {"Launch Statistics", "# SMs", "SM", "82"},
            {"Occupancy", "Block Limit SM", "block", "16"},
            {"Occupancy", "Block Limit Registers", "block", "9"},
            {"Occupancy", "Block Limit Shared Mem", "block", "6"},
            {"Occupancy", "Block Limit Warps", "block", "12"},
            {"Occupancy", "Theoretical Active Warps per SM", "warp", "24"},
            {"Occupancy", "Theoretical Occupancy", "%", "50"},
            {"Occupancy", "Achieved Occupancy", "%", "39.90"},
            {"Occupancy", "Achieved Active Warps Per SM", "warp", "19.15"},
        };
        for (String[] m : m1) {
            lines.add(k1 + q(m[0]) + "," + q(m[1]) + "," + q(m[2]) + "," + q(m[3]) + ",");
        }
        lines.add(k1 + "\"Occupancy\",\"\",\"\",\"\",\"AchievedOccupancy\",\"OPT\",\"The difference between calculated "
                + "theoretical (50.0%) and measured achieved occupancy (39.9%) can be the result of warp scheduling "
                + "overheads or workload imbalances during the kernel execution.\",\"global\",\"20.2\"");
        String k2 = "\"1\",\"4242\",\"python3.10\",\"127.0.0.1\",\"" + SGEMM
                + "\",\"1\",\"7\",\"(256, 1, 1)\",\"(4, 82, 1)\",\"0\",\"8.6\",";
        String[][] m2 = {
            {"GPU Speed Of Light Throughput", "Memory Throughput", "%", "31.40"},
            {"GPU Speed Of Light Throughput", "DRAM Throughput", "%", "18.75"},
            {"GPU Speed Of Light Throughput", "Duration", "usecond", "18.21"},
            {"GPU Speed Of Light Throughput", "Compute (SM) Throughput", "%", "52.10"},
            {"Launch Statistics", "Block Size", "", "256"},
            {"Launch Statistics", "Grid Size", "", "328"},
            {"Launch Statistics", "Registers Per Thread", "register/thread", "82"},
            {"Launch Statistics", "Shared Memory Configuration Size", "Kbyte", "102.40"},
            {"Launch Statistics", "Driver Shared Memory Per Block", "Kbyte/block", "1.02"},
            {"Launch Statistics", "Dynamic Shared Memory Per Block", "byte/block", "0"},
            {"Launch Statistics", "Static Shared Memory Per Block", "Kbyte/block", "8.19"},
            {"Launch Statistics", "Waves Per SM", "", "2"},
            {"Launch Statistics", "# SMs", "SM", "82"},
            {"Occupancy", "Block Limit SM", "block", "16"},
            {"Occupancy", "Block Limit Registers", "block", "2"},
            {"Occupancy", "Block Limit Shared Mem", "block", "11"},
            {"Occupancy", "Block Limit Warps", "block", "6"},
            {"Occupancy", "Theoretical Active Warps per SM", "warp", "16"},
            {"Occupancy", "Theoretical Occupancy", "%", "33.33"},
            {"Occupancy", "Achieved Occupancy", "%", "30.60"},
            {"Occupancy", "Achieved Active Warps Per SM", "warp", "14.69"},
        };
        for (String[] m : m2) {
            lines.add(k2 + q(m[0]) + "," + q(m[1]) + "," + q(m[2]) + "," + q(m[3]) + ",");
        }
        Path f = dir.resolve("quoted.details.csv");
        try {
            Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    private static String q(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
