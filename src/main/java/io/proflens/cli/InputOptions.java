package io.proflens.cli;

import io.proflens.ingest.ImportException;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.RowSinks;
import io.proflens.model.Trace;
import java.nio.file.Path;

/** Reads the input profile for a command, mapping import failures to {@link ExitCodes#INPUT}. */
final class InputOptions {
    private InputOptions() {
    }

    static Trace read(Path file, ImportOptions options, boolean quiet) {
        return read(file, options, quiet, RowSinks.NONE);
    }

    static Trace read(Path file, ImportOptions options, boolean quiet, RowSinks sinks) {
        try {
            return new TraceImporter().read(file, options, ConsoleProgress.create(quiet), sinks);
        } catch (ImportException e) {
            throw new CliException(ExitCodes.INPUT, e.getMessage(), e);
        }
    }
}
