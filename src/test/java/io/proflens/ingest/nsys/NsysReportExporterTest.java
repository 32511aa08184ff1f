package io.proflens.ingest.nsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.proflens.TestData;
import io.proflens.ingest.ImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .nsys-rep} handling. The corpus has real reports but this machine has no nsys, so an installed nsys
 * is stood in for by a script with nsys's {@code export --output FILE INPUT} interface that copies a real
 * SQLite export (generated in the test; nothing is written into ../shared).
 */
class NsysReportExporterTest {
    @TempDir
    Path tmp;

    @Test
    void withoutNsysTheMessageGivesTheExportCommand() {
        Path rep = TestData.nsys("fuser-hopper-matmul-h100/report1.nsys-rep");
        assertThatThrownBy(() -> new NsysReportExporter(null, tmp).export(rep))
                .isInstanceOf(ImportException.class)
                .hasMessageContaining("nsys export --type sqlite --output report1.sqlite " + rep);
    }

    @Test
    void exportsIntoTheCacheOnceAndNeverNextToTheInput() throws Exception {
        Path inputDir = Files.createDirectories(tmp.resolve("in"));
        Path rep = Files.copy(TestData.nsys("fuser-hopper-matmul-h100/report1.nsys-rep"), inputDir.resolve("report1.nsys-rep"));
        Path counter = tmp.resolve("calls");
        Path fake = tmp.resolve("nsys");
        Files.writeString(fake, "#!/bin/sh\n"
                + "echo x >> '" + counter + "'\n"
                + "out=''\nwhile [ $# -gt 0 ]; do if [ \"$1\" = --output ]; then out=$2; shift; fi; shift; done\n"
                + "cp '" + TestData.fuser() + "' \"$out\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path cache = tmp.resolve("cache");
        NsysReportExporter exporter = new NsysReportExporter(fake, cache);
        Path first = exporter.export(rep);
        Path second = exporter.export(rep);
        assertThat(first).isEqualTo(second).startsWith(cache).isRegularFile();
        assertThat(Files.readAllLines(counter)).hasSize(1);
        try (Stream<Path> s = Files.list(inputDir)) {
            assertThat(s).containsExactly(rep);
        }
        assertThat(new io.proflens.ingest.TraceImporter(exporter)
                .read(rep, io.proflens.ingest.ImportOptions.all(), io.proflens.ingest.ProgressListener.NONE)
                .kernels().size()).isEqualTo(19);
    }

    @Test
    void failingExportIsOneLine() throws IOException {
        Path fake = tmp.resolve("nsys");
        Files.writeString(fake, "#!/bin/sh\nexit 7\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path rep = TestData.nsys("fuser-hopper-matmul-h100/report1.nsys-rep");
        assertThatThrownBy(() -> new NsysReportExporter(fake, tmp.resolve("c")).export(rep))
                .isInstanceOf(ImportException.class).hasMessageContaining("nsys export failed (exit 7)");
    }
}
