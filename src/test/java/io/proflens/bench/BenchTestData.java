package io.proflens.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Shared inputs of the bench tests: real exports under {@code ../shared/data/nsys} (skipped when absent). */
final class BenchTestData {
    private BenchTestData() {
    }

    static final Path NSYS = Path.of("..", "shared", "data", "nsys");

    /** The Fuser H100 export with nsys ground truth (19 kernels, 967 runtime rows, 639 NVTX ranges). */
    static Path fuser() {
        return require(NSYS.resolve("fuser-hopper-matmul-h100").resolve("report1.sqlite"));
    }

    /** An export with OS runtime data (OSRT_API). */
    static Path withOsrt() {
        return require(NSYS.resolve("vecadd-rtx3060-2025").resolve("report1.sqlite"));
    }

    static Path require(Path p) {
        Assumptions.assumeTrue(Files.isRegularFile(p), "test export not available: " + p.toAbsolutePath());
        return p;
    }

}
