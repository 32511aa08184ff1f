package io.proflens.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes test results as JUnit XML (the {@code testsuite} format of Ant/Maven Surefire that CI systems — Jenkins,
 * GitLab, GitHub Actions reporters — read): one {@code <testsuite>} with one {@code <testcase>} per case, a
 * {@code <failure message="..." type="...">} child for a failed case and an optional {@code <system-out>}.
 *
 * <p>Text is escaped by {@link XMLStreamWriter}; characters XML 1.0 cannot carry (control characters other than tab,
 * newline and carriage return, unpaired surrogates) are replaced by U+FFFD; line breaks in the {@code message}
 * attribute become spaces (the element text keeps them). Files are written atomically
 * ({@link AtomicFiles}). Stateless.
 */
public final class JUnitXmlWriter {
    private JUnitXmlWriter() {
    }

    /**
     * One test case.
     *
     * @param name           case name (e.g. a gate condition), not null
     * @param className      {@code classname} attribute, not null
     * @param failureMessage one-line failure reason, {@code null} when the case passed
     * @param output         text for {@code <system-out>}, {@code null} for none
     */
    public record TestCase(String name, String className, String failureMessage, String output) {
        public TestCase {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(className, "className");
        }

        /** @return whether the case failed */
        public boolean failed() {
            return failureMessage != null;
        }
    }

    /**
     * Writes a suite atomically to {@code file}.
     *
     * @param file        target file (parent directories are created)
     * @param suiteName   {@code testsuite name}
     * @param failureType {@code failure type} attribute, e.g. {@code gate}
     * @param cases       the cases in order
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, String suiteName, String failureType, List<TestCase> cases) throws IOException {
        AtomicFiles.write(file, w -> write(w, suiteName, failureType, cases));
    }

    /**
     * Writes a suite as an XML document (UTF-8 declaration) to {@code out}.
     *
     * @throws IOException when writing fails
     */
    public static void write(Writer out, String suiteName, String failureType, List<TestCase> cases) throws IOException {
        Objects.requireNonNull(suiteName, "suiteName");
        long failures = cases.stream().filter(TestCase::failed).count();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", clean(suiteName));
            x.writeAttribute("tests", String.valueOf(cases.size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", "0");
            x.writeAttribute("time", String.format(Locale.ROOT, "%.3f", 0.0));
            x.writeCharacters("\n");
            for (TestCase c : cases) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("name", clean(c.name()));
                x.writeAttribute("classname", clean(c.className()));
                x.writeAttribute("time", "0.000");
                if (c.failed() || c.output() != null) {
                    x.writeCharacters("\n");
                }
                if (c.failed()) {
                    x.writeCharacters("    ");
                    x.writeStartElement("failure");
                    x.writeAttribute("message", clean(c.failureMessage()).replaceAll("\\s*\\R\\s*", " ").strip());
                    x.writeAttribute("type", clean(failureType == null ? "failure" : failureType));
                    x.writeCharacters(clean(c.failureMessage()));
                    x.writeEndElement();
                    x.writeCharacters("\n");
                }
                if (c.output() != null) {
                    x.writeCharacters("    ");
                    x.writeStartElement("system-out");
                    x.writeCharacters(clean(c.output()));
                    x.writeEndElement();
                    x.writeCharacters("\n");
                }
                if (c.failed() || c.output() != null) {
                    x.writeCharacters("  ");
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
        }
    }

    /** @return {@code s} with characters that XML 1.0 cannot carry replaced by U+FFFD */
    static String clean(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (ok) {
                    if (sb != null) {
                        sb.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else if (Character.isLowSurrogate(c)) {
                ok = false;
            } else {
                ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            }
            if (!ok && sb == null) {
                sb = new StringBuilder(s.length());
                sb.append(s, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? c : '\uFFFD');
            }
        }
        return sb == null ? s : sb.toString();
    }
}
