package io.proflens.ingest;

import io.proflens.ingest.kineto.KinetoJsonImporter;
import io.proflens.ingest.nsys.NsysReportExporter;
import io.proflens.ingest.nsys.NsysSqliteImporter;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens any supported profile: sniffs the content (not only the extension) and hands it to the reader
 * for its format: Nsight Systems SQLite exports, {@code .nsys-rep}/{@code .qdrep} reports through an installed
 * {@code nsys} ({@link NsysReportExporter}), and PyTorch profiler (Kineto) Chrome-trace JSON, plain or gzip
 * ({@link KinetoJsonImporter}).
 *
 * <p>Errors are {@link ImportException}s with a one-line {@code <file>: <problem>} message.
 */
public final class TraceImporter {
    private final NsysSqliteImporter nsys = new NsysSqliteImporter();
    private final KinetoJsonImporter kineto = new KinetoJsonImporter();
    private final NsysReportExporter reportExporter;

    /** @param reportExporter how {@code .nsys-rep} files are turned into SQLite */
    public TraceImporter(NsysReportExporter reportExporter) {
        this.reportExporter = reportExporter;
    }

    /** An importer that looks for {@code nsys} on PATH and caches exports under the temp dir. */
    public TraceImporter() {
        this(NsysReportExporter.fromEnvironment());
    }

    /**
     * Reads {@code file}.
     *
     * @throws ImportException for a missing, unreadable, empty, corrupt or unsupported input
     */
    public Trace read(Path file, ImportOptions options, ProgressListener progress) throws ImportException {
        return read(file, options, progress, RowSinks.NONE);
    }

    /**
     * Reads {@code file}, streaming the tables that have a sink in {@code sinks} instead of storing them
     * (see {@link RowSinks}).
     *
     * @throws ImportException for a missing, unreadable, empty, corrupt or unsupported input
     */
    public Trace read(Path file, ImportOptions options, ProgressListener progress, RowSinks sinks) throws ImportException {
        if (!Files.exists(file)) {
            throw new ImportException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ImportException(file, "is a directory; give a profile file (nsys .sqlite or .nsys-rep)");
        }
        if (!Files.isReadable(file)) {
            throw new ImportException(file, "permission denied (file is not readable)");
        }
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ImportException(file, "cannot read (" + e.getMessage() + ")", e);
        }
        if (n == 0) {
            throw new ImportException(file, "empty file");
        }
        if (NsysSqliteImporter.looksLikeSqlite(head)) {
            return nsys.read(file, options, progress, sinks);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".nsys-rep") || name.endsWith(".qdrep")) {
            Path sqlite = reportExporter.export(file);
            return nsys.read(sqlite, options, progress, sinks);
        }
        if (KinetoJsonImporter.looksLikeJsonOrGzip(java.util.Arrays.copyOf(head, n))) {
            return kineto.read(file, options, progress, sinks);
        }
        throw new ImportException(file, "unrecognised format; expected an Nsight Systems SQLite export "
                + "('nsys export --type sqlite'), an .nsys-rep report or a PyTorch profiler trace (.json, .json.gz)");
    }
}
