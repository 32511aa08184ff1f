package io.proflens.ingest.nsys;

import io.proflens.ingest.ImportException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns an {@code .nsys-rep}/{@code .qdrep} report into an SQLite export with an installed {@code nsys}.
 * The export goes to a cache directory (default {@code <java.io.tmpdir>/proflens-nsys-cache}), never next to
 * the input; the cache key is the input's absolute path, size and modification time. Without {@code nsys}
 * the user is told the exact command to run.
 */
public final class NsysReportExporter {
    private final Path nsysExecutable;
    private final Path cacheDir;

    /**
     * @param nsysExecutable the nsys binary, or {@code null} when none is installed
     * @param cacheDir       where exports are written
     */
    public NsysReportExporter(Path nsysExecutable, Path cacheDir) {
        this.nsysExecutable = nsysExecutable;
        this.cacheDir = cacheDir;
    }

    /** Finds {@code nsys} on PATH; cache under the temp dir. */
    public static NsysReportExporter fromEnvironment() {
        Path found = null;
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, "nsys");
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    found = p;
                    break;
                }
            }
        }
        return new NsysReportExporter(found, Path.of(System.getProperty("java.io.tmpdir"), "proflens-nsys-cache"));
    }

    /** @return the command a user runs to export {@code report} by hand. */
    public static String exportCommand(Path report) {
        String name = report.getFileName().toString().replaceFirst("\\.(nsys-rep|qdrep)$", "");
        return "nsys export --type sqlite --output " + name + ".sqlite " + report;
    }

    /**
     * @return the SQLite export of {@code report}, from the cache or freshly exported
     * @throws ImportException when nsys is not installed or the export fails
     */
    public Path export(Path report) throws ImportException {
        if (nsysExecutable == null) {
            throw new ImportException(report, "is an Nsight Systems report; nsys is not on PATH, so export it first: "
                    + exportCommand(report) + " (then pass the .sqlite file)");
        }
        try {
            Path abs = report.toAbsolutePath().normalize();
            String key = Integer.toHexString(abs.toString().hashCode()) + "-" + Files.size(abs) + "-"
                    + Files.getLastModifiedTime(abs).toMillis();
            Files.createDirectories(cacheDir);
            Path out = cacheDir.resolve(abs.getFileName().toString().replaceFirst("\\.(nsys-rep|qdrep)$", "")
                    + "-" + key + ".sqlite");
            if (Files.isRegularFile(out) && Files.size(out) > 0) {
                return out;
            }
            Path tmp = Files.createTempFile(cacheDir, "export-", ".sqlite");
            Files.delete(tmp);
            List<String> cmd = new ArrayList<>(List.of(nsysExecutable.toString(), "export", "--type", "sqlite",
                    "--force-overwrite", "true", "--output", tmp.toString(), abs.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                p.destroyForcibly();
                throw new ImportException(report, "nsys export failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                        + "); try by hand: " + exportCommand(report));
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new ImportException(report, "cannot export with nsys (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImportException(report, "interrupted while exporting with nsys", e);
        }
    }
}
