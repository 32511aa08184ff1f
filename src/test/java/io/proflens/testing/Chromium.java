package io.proflens.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium for the browser tests (the HTML report, the served timeline). Found at
 * {@code $PROFLENS_CHROMIUM} or {@code /usr/bin/chromium}; missing → the test is skipped, unless
 * {@code PROFLENS_REQUIRE_BROWSER=1} (set by {@code .ci/run}, which installs it) makes it fail.
 */
public final class Chromium {
    private final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    /** @return the browser, or the test is skipped (failed under PROFLENS_REQUIRE_BROWSER=1) */
    public static Chromium require() {
        String env = System.getenv("PROFLENS_CHROMIUM");
        Path p = env != null ? Path.of(env) : Path.of("/usr/bin/chromium");
        boolean present = Files.isExecutable(p);
        if (!present && "1".equals(System.getenv("PROFLENS_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("Chromium not found at " + p + " (PROFLENS_REQUIRE_BROWSER=1)");
        }
        assumeTrue(present, "Chromium not installed at " + p + ": browser test skipped (.ci/run installs it)");
        return new Chromium(p);
    }

    /** Result of one headless run: stdout (e.g. the DOM) and stderr (console messages). */
    public record Run(String out, String err, int exit) {
    }

    /** Loads the file, runs its scripts, prints the resulting DOM; console messages go to {@code err}. */
    public Run dumpDom(Path html, Path scratch) throws IOException, InterruptedException {
        return dumpDom(html.toUri().toString(), scratch, 5000);
    }

    /** Loads the URL, runs its scripts for up to {@code budgetMs} of virtual time, prints the resulting DOM. */
    public Run dumpDom(String url, Path scratch, int budgetMs) throws IOException, InterruptedException {
        return run(scratch, budgetMs, List.of("--window-size=1400,900", "--dump-dom", url));
    }

    /** Saves a PNG screenshot of the page at the given window size. */
    public Run screenshot(Path html, Path png, int width, int height, Path scratch)
            throws IOException, InterruptedException {
        return run(scratch, 5000, List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), html.toUri().toString()));
    }

    private Run run(Path scratch, int budgetMs, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + scratch.resolve("profile"),
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=" + budgetMs));
        cmd.addAll(args);
        Files.createDirectories(scratch);
        Path out = scratch.resolve("out.txt");
        Path err = scratch.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish in 120 s");
        }
        return new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                p.exitValue());
    }

    /** @return console messages that report script errors (lines "CONSOLE" with "error"/"Uncaught") */
    public static List<String> consoleErrors(String stderr) {
        List<String> errors = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if ((l.contains("console") && (l.contains("uncaught") || l.contains("error"))) || l.contains("uncaught ")) {
                errors.add(line);
            }
        }
        return errors;
    }
}
