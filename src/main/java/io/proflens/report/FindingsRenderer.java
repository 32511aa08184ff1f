package io.proflens.report;

import io.proflens.rules.Evidence;
import io.proflens.rules.Finding;
import io.proflens.rules.Severity;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Renders rule findings for people: problems first (as the engine ordered them) with severity, one-line summary,
 * evidence, examples and recommendation; then a compact line per rule that found nothing, did not apply or failed.
 */
public final class FindingsRenderer {
    private FindingsRenderer() {
    }

    /**
     * @param findings findings in engine order
     * @param out      destination
     * @param markdown Markdown (headings, bullets) instead of plain text
     */
    public static void render(List<Finding> findings, PrintWriter out, boolean markdown) {
        List<Finding> problems = findings.stream().filter(f -> f.severity().isProblem()).toList();
        if (markdown) {
            out.println("## Findings\n");
        } else {
            out.println(" ** Findings (" + problems.size() + " of " + findings.size()
                    + " rules; ordered by estimated recoverable time):");
            out.println();
        }
        if (problems.isEmpty()) {
            out.println(markdown ? "No rule found a problem.\n" : "  No rule found a problem.\n");
        }
        int n = 0;
        for (Finding f : problems) {
            n++;
            String rec = f.recoverableNs() > 0 ? " (could recover up to " + duration(f.recoverableNs()) + ")" : "";
            if (markdown) {
                out.println("### " + n + ". [" + f.severity().label().toUpperCase(Locale.ROOT) + "] " + f.title()
                        + " — `" + f.ruleId() + "`\n");
                out.println(f.summary() + rec + "\n");
                for (Evidence e : f.evidence()) {
                    out.println("- " + e.label() + ": " + e.value());
                }
                for (String x : f.examples()) {
                    out.println("- example: `" + x.replace("`", "'") + "`");
                }
                out.println("\n**Recommendation:** " + f.recommendation() + "\n");
            } else {
                out.println(String.format(Locale.ROOT, "  %d. [%s] %s (%s)", n,
                        f.severity().label().toUpperCase(Locale.ROOT), f.title(), f.ruleId()));
                out.println("     " + f.summary() + rec);
                for (Evidence e : f.evidence()) {
                    out.println("     - " + e.label() + ": " + e.value());
                }
                for (String x : f.examples()) {
                    out.println("     - example: " + x);
                }
                out.println("     => " + f.recommendation());
                out.println();
            }
        }
        List<Finding> rest = findings.stream().filter(f -> !f.severity().isProblem()).toList();
        if (!rest.isEmpty()) {
            out.println(markdown ? "Other rules:\n" : "  Other rules:");
            for (Finding f : rest) {
                String line = "[" + f.severity().label() + "] " + f.ruleId() + ": " + f.summary();
                out.println(markdown ? "- " + line : "   " + line);
            }
            out.println();
        }
    }

    /** @return "1.23 ms"-style duration */
    static String duration(long ns) {
        return io.proflens.rules.EvidenceFormat.duration(ns);
    }

    /** @return true when any finding has this severity */
    public static boolean any(List<Finding> findings, Severity s) {
        return findings.stream().anyMatch(f -> f.severity() == s);
    }
}
