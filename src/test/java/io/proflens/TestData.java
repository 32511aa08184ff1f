package io.proflens;

import io.proflens.ingest.ImportException;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Locations of the shared read-only corpus (../shared/data from the project root); tests read files in place. */
public final class TestData {
    private TestData() {
    }

    /** @return ../shared/data */
    public static Path root() {
        return Path.of("..", "shared", "data").toAbsolutePath().normalize();
    }

    public static Path nsys(String relative) {
        return root().resolve("nsys").resolve(relative);
    }

    public static Path fuser() {
        return nsys("fuser-hopper-matmul-h100/report1.sqlite");
    }

    /** @return every .sqlite export under ../shared/data/nsys, sorted. */
    public static List<Path> allNsysExports() {
        try (Stream<Path> s = Files.walk(root().resolve("nsys"))) {
            return s.filter(p -> p.toString().endsWith(".sqlite")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Trace load(Path p) {
        try {
            return new TraceImporter().read(p, ImportOptions.all(), ProgressListener.NONE);
        } catch (ImportException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, embedded commas and newlines); blank lines are skipped. */
    public static List<List<String>> parseCsv(String text) {
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

    /** @return the rows of a UTF-8 CSV file, see {@link #parseCsv(String)}. */
    public static List<List<String>> readCsv(Path p) throws IOException {
        return parseCsv(Files.readString(p, java.nio.charset.StandardCharsets.UTF_8));
    }
}
