package io.proflens.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The authoritative list of rules (an object, not static state): {@link #builtIn()} lists every built-in rule once,
 * in a fixed order; ids are unique and well-formed ({@code topic.kebab-name}), checked at construction.
 */
public final class RuleRegistry {
    private static final Pattern ID = Pattern.compile("[a-z]+\\.[a-z0-9]+(?:-[a-z0-9]+)*");
    private final Map<String, Rule> rules = new LinkedHashMap<>();

    /**
     * @param rules the rules, in listing order
     * @throws IllegalArgumentException on a duplicate or malformed id
     */
    public RuleRegistry(List<Rule> rules) {
        for (Rule r : rules) {
            if (!ID.matcher(r.id()).matches()) {
                throw new IllegalArgumentException("malformed rule id: " + r.id());
            }
            if (this.rules.putIfAbsent(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate rule id: " + r.id());
            }
        }
    }

    /** @return a registry of every built-in rule, see {@link BuiltInRules} */
    public static RuleRegistry builtIn() {
        return new RuleRegistry(BuiltInRules.all());
    }

    /** @return the rules in listing order (unmodifiable) */
    public List<Rule> rules() {
        return Collections.unmodifiableList(new ArrayList<>(rules.values()));
    }

    /** @return the rule with this id, if any */
    public Optional<Rule> get(String id) {
        return Optional.ofNullable(rules.get(id));
    }
}
