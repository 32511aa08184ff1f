package io.proflens.rules;

import java.util.regex.Pattern;

/**
 * A tunable limit of a {@link Rule}: key, unit, default and where the default comes from.
 * Overridden by {@code --set RULE_ID.KEY=VALUE} or a config file line {@code RULE_ID.KEY=VALUE}.
 *
 * @param key          lower-case identifier within the rule, e.g. {@code minUtilizationPct}
 * @param unit         unit of the value: "%", "ms", "µs", "KiB", "count", "ratio"
 * @param defaultValue the default
 * @param description  what the limit means, one sentence
 * @param source       where the default comes from (nsys analyze rule default, HTA default, monitoring practice)
 */
public record Threshold(String key, String unit, double defaultValue, String description, String source) {
    private static final Pattern KEY = Pattern.compile("[a-z][A-Za-z0-9]*");

    public Threshold {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("threshold key must be camelCase: " + key);
        }
    }
}
