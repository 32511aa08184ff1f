package io.proflens.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The shared format of proflens' ordered regex rule files (kernel categories, kernel → operator mapping): one rule
 * per line, TAB-separated fields, blank lines and lines starting with {@code #} ignored, regexes case-insensitive,
 * errors named {@code source:line: problem}.
 */
public final class RuleLines {
    private RuleLines() {
    }

    /**
     * One rule line.
     *
     * @param line   1-based line number
     * @param fields the TAB-separated fields (empty fields kept)
     */
    public record Row(int line, String[] fields) {
    }

    /**
     * @param owner    class next to which the resource lies
     * @param resource resource name
     * @return its lines
     * @throws IllegalStateException when the resource is missing (a packaging error)
     */
    public static List<String> resource(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in " + resource, e);
        }
    }

    /**
     * @param file a user rule file
     * @param what what the file holds, for the message ("kernel rules")
     * @return its lines
     * @throws UncheckedIOException when it cannot be read
     */
    public static List<String> file(Path file, String what) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file, e);
        }
    }

    /**
     * @param source    name for messages
     * @param lines     the lines
     * @param minFields least number of fields
     * @param maxFields most number of fields
     * @param names     the fields as the message names them, e.g. "operator, regex[, why]"
     * @return the rule lines in order
     * @throws IllegalArgumentException {@code source:line: expected ...} for a wrong number of fields
     */
    public static List<Row> rows(String source, List<String> lines, int minFields, int maxFields, String names) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < minFields || f.length > maxFields) {
                String count = minFields == maxFields ? String.valueOf(minFields) : minFields + " or " + maxFields;
                throw bad(source, i + 1, "expected " + count + " TAB-separated fields (" + names + ") but found "
                        + f.length);
            }
            out.add(new Row(i + 1, f));
        }
        return out;
    }

    /**
     * @return the case-insensitive pattern of a rule's regex field
     * @throws IllegalArgumentException naming the line for an empty or invalid regex
     */
    public static Pattern regex(String source, int line, String text) {
        if (text.isEmpty()) {
            throw bad(source, line, "empty regex");
        }
        try {
            return Pattern.compile(text, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw bad(source, line, "invalid regex '" + text + "': " + e.getDescription());
        }
    }

    /** @return {@code source:line: problem} as an IllegalArgumentException */
    public static IllegalArgumentException bad(String source, int line, String problem) {
        return new IllegalArgumentException(source + ":" + line + ": " + problem);
    }
}
