package io.proflens.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.proflens.TestData;
import io.proflens.cli.ProflensCli;
import io.proflens.demo.NsysExportWriter;
import io.proflens.testing.Chromium;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The HTML report: self-contained, deterministic, safe with hostile kernel names — and, in a real headless Chromium,
 * rendered with its charts and tables and without console errors (screenshots under target/report-screenshots).
 */
class HtmlReportTest {
    private static final String XSS = "<img src=x onerror=alert(1)>";
    private static final String SCRIPT_XSS = "</script><script>alert(2)</script>";
    @TempDir
    Path tmp;

    private static Path report(Path profile, Path out) {
        CommandLine cl = new CommandLine();
        int code = cl.run("report", "-q", profile.toString(), "-o", out.toString());
        assertThat(code).as(cl.err()).isZero();
        return out;
    }

    /** Runs the CLI in-process. */
    private static final class CommandLine {
        private final StringWriter err = new StringWriter();

        int run(String... args) {
            picocli.CommandLine cl = ProflensCli.commandLine();
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            return cl.execute(args);
        }

        String err() {
            return err.toString();
        }
    }

    /** A small export whose kernel and NVTX names are HTML/script injection attempts. */
    private Path hostileProfile() throws Exception {
        Path p = tmp.resolve("hostile.sqlite");
        try (NsysExportWriter w = NsysExportWriter.open(p)) {
            w.process(100, "python3").thread(100, 100, "main").gpu(NsysExportWriter.Gpu.h100(0));
            long t = 1_000_000;
            for (int i = 0; i < 20; i++) {
                w.nvtxRange(t, t + 90_000, 100, 100, SCRIPT_XSS);
                w.cudaApi(t + 1000, t + 6000, 100, 100, "cudaLaunchKernel", i + 1);
                w.kernel(t + 10_000, t + 80_000, 0, 7, i + 1, 100, XSS);
                t += 100_000;
            }
            w.finish();
        }
        return p;
    }

    @Test
    void selfContainedDeterministicAndInert() throws Exception {
        Path profile = hostileProfile();
        Path a = report(profile, tmp.resolve("a.html"));
        Path b = report(profile, tmp.resolve("b.html"));
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        String html = Files.readString(a, StandardCharsets.UTF_8);
        // nothing fetched at view time
        assertThat(html).doesNotContainPattern("<script[^>]*\\bsrc=").doesNotContainPattern("<link[^>]*href=")
                .doesNotContain("@import");
        // the hostile names only exist as escaped JSON text
        assertThat(html).doesNotContain(XSS).doesNotContain(SCRIPT_XSS).contains("\\u003Cimg src=x onerror=alert(1)\\u003E");
        assertThat(Pattern.compile("</script>", Pattern.CASE_INSENSITIVE).matcher(html).results().count())
                .as("script elements closed only by the template").isEqualTo(3);
        assertThat(Files.getPosixFilePermissions(a).toString()).contains("OTHERS_READ");
    }

    /** @return every corpus profile: each nsys export and each Kineto trace, relative to ../shared/data */
    static java.util.stream.Stream<String> corpus() throws Exception {
        List<String> all = new java.util.ArrayList<>();
        for (Path p : TestData.allNsysExports()) {
            all.add(TestData.root().relativize(p).toString());
        }
        try (java.util.stream.Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            s.filter(p -> p.toString().endsWith(".json.gz")).sorted()
                    .forEach(p -> all.add(TestData.root().relativize(p).toString()));
        }
        return all.stream();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("corpus")
    void rendersInHeadlessChromiumWithChartsTablesAndNoConsoleErrors(String relative) throws Exception {
        Chromium chromium = Chromium.require();
        Path html = report(TestData.root().resolve(relative), tmp.resolve("r.html"));
        Chromium.Run dom = chromium.dumpDom(html, Files.createDirectories(tmp.resolve("c1")));
        assertThat(dom.exit()).as(dom.err()).isZero();
        String d = dom.out();
        assertThat(d).contains("data-rendered=\"true\"");
        assertThat(Chromium.consoleErrors(dom.err())).isEmpty();
        boolean kernels = TestData.load(TestData.root().resolve(relative)).kernels().size() > 0;
        if (kernels) {
            assertThat(count(d, "<svg")).as("charts drawn").isGreaterThanOrEqualTo(2);
            assertThat(d).contains("Kernel time by category");
        }
        assertThat(count(d, "<tr>")).as("table rows").isGreaterThan(5);
        assertThat(d).contains("id=\"findings\"");
        Path shots = Files.createDirectories(Path.of("target", "report-screenshots"));
        Path png = shots.resolve(relative.replaceAll("[^A-Za-z0-9.-]+", "_") + ".png");
        chromium.screenshot(html, png, 1280, 2400, Files.createDirectories(tmp.resolve("c2")));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(distinctColors(img)).as("not a blank page").isGreaterThan(200);
    }

    @Test
    void hostileNamesRenderAsTextInTheBrowserAndScreenshotsAreStable() throws Exception {
        Chromium chromium = Chromium.require();
        Path html = report(hostileProfile(), tmp.resolve("x.html"));
        Chromium.Run dom = chromium.dumpDom(html, Files.createDirectories(tmp.resolve("c1")));
        String d = dom.out();
        assertThat(d).contains("data-rendered=\"true\"");
        assertThat(d).doesNotContain("<img src=\"x\"").doesNotContain("onerror=\"alert");
        assertThat(d).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(Chromium.consoleErrors(dom.err())).isEmpty();
        // the expected rendering is the first screenshot; a second one must match it within 0.5% of the pixels
        Path p1 = tmp.resolve("s1.png");
        Path p2 = tmp.resolve("s2.png");
        chromium.screenshot(html, p1, 1200, 1600, Files.createDirectories(tmp.resolve("c2")));
        chromium.screenshot(html, p2, 1200, 1600, Files.createDirectories(tmp.resolve("c3")));
        BufferedImage a = ImageIO.read(p1.toFile());
        BufferedImage b = ImageIO.read(p2.toFile());
        long diff = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    diff++;
                }
            }
        }
        assertThat(diff).isLessThanOrEqualTo(a.getWidth() * (long) a.getHeight() / 200);
    }

    @Test
    void severalRanksGetASideBySideComparison() throws Exception {
        List<Path> ranks = io.proflens.scenarios.ExpertScenarios.decodeRanks(tmp, 2);
        Path out = tmp.resolve("ranks.html");
        CommandLine cl = new CommandLine();
        int code = cl.run("report", "-q", ranks.get(0).toString(), ranks.get(1).toString(), "-o", out.toString());
        assertThat(code).as(cl.err()).isZero();
        String html = Files.readString(out, StandardCharsets.UTF_8);
        for (String part : List.of("\"rank_comparison\"", "2 of 2 ranks", "kernel_categories_rank1",
                "cuda_gpu_kern_sum_per_rank", "rank 0 pid", "rank 1 pid")) {
            assertThat(html.contains(part)).as(part).isTrue();
        }
        Chromium chromium;
        try {
            chromium = Chromium.require();
        } catch (org.opentest4j.TestAbortedException e) {
            return; // the browser part needs Chromium
        }
        Chromium.Run dom = chromium.dumpDom(out, Files.createDirectories(tmp.resolve("c1")));
        assertThat(dom.out().contains("data-rendered=\"true\"")).as("rendered").isTrue();
        assertThat(dom.out().contains("Ranks Side by Side")).as("rank table").isTrue();
        assertThat(Chromium.consoleErrors(dom.err())).isEmpty();
    }

    private static long count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        return m.results().count();
    }

    private static int distinctColors(BufferedImage img) {
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colors.add(img.getRGB(x, y));
            }
        }
        return colors.size();
    }

}
