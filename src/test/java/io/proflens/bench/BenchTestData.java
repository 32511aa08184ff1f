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

    /** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, embedded commas and newlines). */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || f.length() > 0) {
                    row.add(f.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                f.setLength(0);
                any = false;
            } else {
                f.append(c);
                any = true;
            }
        }
        if (any || f.length() > 0) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }
}
