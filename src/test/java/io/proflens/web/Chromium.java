package io.proflens.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium for the timeline's browser tests (a copy of the report tests' helper, loading a URL).
 * Found at {@code $PROFLENS_CHROMIUM} or {@code /usr/bin/chromium}; missing → skipped, unless
 * {@code PROFLENS_REQUIRE_BROWSER=1} makes it fail.
 */
final class Chromium {
    private final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    static Chromium require() {
        String env = System.getenv("PROFLENS_CHROMIUM");
        Path p = env != null ? Path.of(env) : Path.of("/usr/bin/chromium");
        boolean present = Files.isExecutable(p);
        if (!present && "1".equals(System.getenv("PROFLENS_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("Chromium not found at " + p + " (PROFLENS_REQUIRE_BROWSER=1)");
        }
        assumeTrue(present, "Chromium not installed at " + p + ": browser test skipped (.ci/run installs it)");
        return new Chromium(p);
    }

    /** Result of one headless run: stdout (the DOM) and stderr (console messages). */
    record Run(String out, String err, int exit) {
    }

    /** Loads the URL, runs its scripts for up to {@code budgetMs} of virtual time, prints the resulting DOM. */
    Run dumpDom(String url, Path scratch, int budgetMs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + scratch.resolve("profile"),
                "--enable-logging=stderr", "--v=0", "--window-size=1400,900",
                "--virtual-time-budget=" + budgetMs, "--dump-dom", url));
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

    /** @return console messages that report script errors. */
    static List<String> consoleErrors(String stderr) {
        List<String> errors = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if ((l.contains("console") && (l.contains("uncaught") || l.contains("error")))
                    || l.contains("uncaught ")) {
                errors.add(line);
            }
        }
        return errors;
    }
}
