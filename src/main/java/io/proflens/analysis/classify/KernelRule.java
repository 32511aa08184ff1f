package io.proflens.analysis.classify;

import java.util.regex.Pattern;

/** One line of a rule file: category, compiled pattern, explanation and where it came from. */
record KernelRule(KernelCategory category, Pattern pattern, String why, String source, int line) {
    boolean matches(String name) {
        return pattern.matcher(name).find();
    }

    String regex() {
        return pattern.pattern();
    }
}
