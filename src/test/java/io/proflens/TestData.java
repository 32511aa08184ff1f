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
}
